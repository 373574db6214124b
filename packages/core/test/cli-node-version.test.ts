/**
 * On a Node.js older than the core package's `engines` (the machines here ship Node 20), the CLI
 * says which Node.js it needs and how to run it with the project's own, and exits 78, before
 * anything needing a newer Node.js loads (issue 10: `node packages/core/dist/cli/main.js start`
 * on Node 20 died with "Cannot destructure property 'DatabaseSync'…").
 *
 * The entry points run under the machine's old Node.js (found on PATH, /usr/local/bin, /usr/bin).
 * Without one the tests are skipped, loudly, and fail under CI=true (CI machines ship Node 20).
 * The built entry points (`dist/`) come from `npm run build` or `npm run typecheck`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXIT_NODE_TOO_OLD, nodeVersionProblem, requiredNodeRange, satisfiesRange } from '../src/cli/node-version.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORE = resolve(ROOT, 'packages/core');
const RANGE = requiredNodeRange(CORE);
const CI = process.env.CI === 'true' || process.env.CI === '1';

/** The first Node.js on this machine too old for `RANGE`, with its version. */
function findOldNode(): { path: string; version: string } | undefined {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'node')), '/usr/local/bin/node', '/usr/bin/node', '/bin/node'];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const real = realpathSync(c);
    if (seen.has(real)) continue;
    seen.add(real);
    try {
      const version = execFileSync(real, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000 }).trim();
      if (!satisfiesRange(version, RANGE)) return { path: c, version };
    } catch {
      // not runnable: try the next
    }
  }
  return undefined;
}

const oldNode = findOldNode();
if (!oldNode) {
  const message = `no Node.js older than ${RANGE} on this machine (PATH, /usr/local/bin, /usr/bin): the old-Node CLI tests are SKIPPED`;
  if (CI) throw new Error(`${message}; CI machines ship Node 20, so under CI=true this is a failure`);
  console.warn(`\n!!! ${message} !!!\n`);
}

function runWith(node: string, args: string[]) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const r = spawnSync(node, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The built file, checked to be built from today's sources (it has the version check). */
function built(file: string): string {
  const path = resolve(CORE, file);
  const entry = resolve(CORE, 'dist/cli/main.js');
  if (!existsSync(entry) || !readFileSync(entry, 'utf8').includes('node-version.js')) {
    throw new Error(`${entry} is missing or older than its source: run npm run build (or npm run typecheck) first`);
  }
  return path;
}

describe.skipIf(!oldNode)(`the CLI on Node.js ${oldNode?.version ?? '(none found)'}`, () => {
  const expectTold = (r: { code: number | null; stderr: string }, script: string, args: string) => {
    expect(r.code, r.stderr).toBe(EXIT_NODE_TOO_OLD);
    expect(r.stderr).not.toContain('DatabaseSync');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.every((l) => l.startsWith('dialbook: '))).toBe(true);
    expect(lines[0]).toBe(`dialbook: Node.js ${oldNode!.version} (${realpathSync(oldNode!.path)}) cannot run Dialbook: it needs Node.js ${RANGE} (the "engines" of packages/core/package.json), for its built-in SQLite database (node:sqlite).`);
    expect(lines).toContain(`dialbook:   npx dialbook ${args}`);
    expect(lines).toContain(`dialbook:   node_modules/.bin/node ${script} ${args}`);
  };

  it('dist/cli/main.js start: says which Node.js it needs and how to run it, exit 78', () => {
    const script = built('dist/cli/main.js');
    expectTold(runWith(oldNode!.path, [script, 'start']), 'packages/core/dist/cli/main.js', 'start');
  });

  it('bin/dialbook.js (the `dialbook` command): the same', () => {
    built('dist/cli/main.js');
    expectTold(runWith(oldNode!.path, [resolve(CORE, 'bin/dialbook.js'), 'user', 'create', 'a b@example.com']), 'packages/core/bin/dialbook.js', "user create 'a b@example.com'");
  });

  it('src/cli/main.ts (from source, through tsx): the same', () => {
    expectTold(runWith(oldNode!.path, ['--import', 'tsx', resolve(CORE, 'src/cli/main.ts'), 'migrate']), 'packages/core/src/cli/main.ts', 'migrate');
  });

  it("the project's own Node.js runs the same file", () => {
    const r = runWith(resolve(ROOT, 'node_modules/.bin/node'), [built('dist/cli/main.js'), '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: dialbook');
  });
});

describe('the version check', () => {
  it('reads engines ranges of the >= form', () => {
    expect(RANGE).toBe('>=22.17');
    expect(satisfiesRange('20.20.2', '>=22.17')).toBe(false);
    expect(satisfiesRange('22.16.9', '>=22.17')).toBe(false);
    expect(satisfiesRange('22.17.0', '>=22.17')).toBe(true);
    expect(satisfiesRange('24.1.0', '>=22.17')).toBe(true);
    expect(satisfiesRange('20.1.0', '>=18 || >=22')).toBe(true);
    expect(satisfiesRange('20.1.0', '^22.17.0')).toBe(true); // a form it cannot read never blocks
  });

  it('says nothing on a good Node.js, and names the needed one on an old one', () => {
    expect(nodeVersionProblem({ version: '24.0.0', packageDir: CORE })).toBeNull();
    const lines = nodeVersionProblem({ version: '20.20.2', execPath: '/usr/bin/node', argv: ['/usr/bin/node', join(ROOT, 'packages/core/dist/cli/main.js'), 'start'], cwd: ROOT, packageDir: CORE })!;
    expect(lines[0]).toContain('Node.js 20.20.2 (/usr/bin/node) cannot run Dialbook: it needs Node.js >=22.17');
    expect(lines).toContain('  npx dialbook start');
    expect(lines).toContain('  node_modules/.bin/node packages/core/dist/cli/main.js start');
    expect(lines.at(-1)).toBe('Or install Node.js 22.17 or later (https://nodejs.org/) and run: node packages/core/dist/cli/main.js start');
  });
});
