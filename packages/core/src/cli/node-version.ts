/**
 * The first thing the CLI does: check that this Node.js can run Dialbook, before anything that needs
 * a newer one is loaded (`node:sqlite` on Node 20 fails with "Cannot destructure property
 * 'DatabaseSync'…"). Node built-ins only, and nothing a Node 20 cannot parse.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The exit code for a Node.js that is too old: 78 (EX_CONFIG), as for configuration problems. */
export const EXIT_NODE_TOO_OLD = 78;

/** The core package's directory: `src/cli/` and `dist/cli/` are both two levels below it. */
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The Node.js versions the core package declares (`engines.node` in its package.json: `>=22.17`). */
export function requiredNodeRange(packageDir = PACKAGE_DIR): string {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { engines?: { node?: string } };
  return pkg.engines?.node ?? '>=22.17';
}

const parts = (v: string): number[] => v.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);

/**
 * Whether `version` (`20.20.2`) is in `range`. Understands the forms engines fields use here:
 * `>=X[.Y[.Z]]`, several joined by `||`; anything else is taken as satisfied (never block on a range we cannot read).
 */
export function satisfiesRange(version: string, range: string): boolean {
  const alternatives = range.split('||').map((r) => r.trim());
  const readable = alternatives.map((r) => /^>=\s*v?(\d+(?:\.\d+){0,2})$/.exec(r));
  if (readable.some((m) => !m)) return true;
  const have = parts(version);
  return readable.some((m) => {
    const want = parts(m![1]!);
    for (let i = 0; i < 3; i++) {
      const a = have[i] ?? 0;
      const b = want[i] ?? 0;
      if (a !== b) return a > b;
    }
    return true;
  });
}

const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** The nearest `node_modules/.bin/<name>` at or above `dir`, or undefined. */
function findBin(dir: string, name: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', '.bin', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

const shown = (path: string, cwd: string): string => {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
};

/**
 * What to tell a person whose Node.js is too old for Dialbook, one line each, or null when it is
 * new enough. Names the Node.js that ran, the one needed, and the same command run with the
 * project's own Node (`npx dialbook …`, `node_modules/.bin/node <script> …`) when this checkout has one.
 */
export function nodeVersionProblem(options: { version?: string; execPath?: string; argv?: readonly string[]; cwd?: string; packageDir?: string } = {}): string[] | null {
  const version = options.version ?? process.versions.node;
  const packageDir = options.packageDir ?? PACKAGE_DIR;
  const range = requiredNodeRange(packageDir);
  if (satisfiesRange(version, range)) return null;
  const argv = options.argv ?? process.argv;
  const cwd = options.cwd ?? process.cwd();
  const args = argv.slice(2).map(shellWord).join(' ');
  const lines = [
    `Node.js ${version} (${options.execPath ?? process.execPath}) cannot run Dialbook: it needs Node.js ${range} (the "engines" of ${shown(join(packageDir, 'package.json'), cwd)}), for its built-in SQLite database (node:sqlite).`,
  ];
  const projectNode = findBin(cwd, 'node') ?? findBin(packageDir, 'node');
  const script = argv[1] ? shown(resolve(argv[1]), cwd) : shown(join(packageDir, 'dist/cli/main.js'), cwd);
  if (projectNode) {
    lines.push('This checkout brings its own Node.js; run the same command with it:');
    if (findBin(cwd, 'dialbook')) lines.push(`  npx dialbook ${args}`.trimEnd());
    lines.push(`  ${shown(projectNode, cwd)} ${script} ${args}`.trimEnd());
  }
  lines.push(`Or install Node.js ${range.replace(/^>=\s*/, '')} or later (https://nodejs.org/) and run: node ${script} ${args}`.trimEnd());
  return lines;
}
