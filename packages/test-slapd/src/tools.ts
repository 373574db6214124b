/** Where slapd and the ldap-utils tools are, whether they are installed, and running them. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { describe, it } from 'vitest';

/** Where Debian/Ubuntu put slapd (override with $DIALBOOK_SLAPD). */
export const SLAPD_BIN = process.env.DIALBOOK_SLAPD || '/usr/sbin/slapd';
export const SBIN = dirname(SLAPD_BIN);
export const SCHEMA_DIR = process.env.DIALBOOK_SLAPD_SCHEMA_DIR || '/etc/ldap/schema';
const MODULE_DIRS = ['/usr/lib/ldap', '/usr/lib/openldap', '/usr/lib64/openldap', '/usr/libexec/openldap', '/usr/local/libexec/openldap'];
/** The test schema with AD-style attribute names (see the file's header). */

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

const isCI = () => process.env.CI === 'true' || process.env.CI === '1';

/** Whether OpenLDAP's slapd (package slapd) and the ldap-utils tools are installed. */
export function slapdAvailable(): boolean {
  return existsSync(SLAPD_BIN) && existsSync(join(SBIN, 'slapadd')) && ['/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')].some((d) => d && existsSync(join(d, 'ldapsearch')));
}

export const MISSING = `OpenLDAP slapd is not installed (${SLAPD_BIN}); install it with: sudo apt-get install -y slapd ldap-utils`;

/**
 * `describe` for tests that need slapd: runs them when it is installed; otherwise fails in CI
 * (CI=true) and skips loudly on a developer's machine.
 */
export function describeWithSlapd(name: string, fn: () => void): void {
  if (slapdAvailable()) {
    describe(name, fn);
    return;
  }
  if (isCI()) {
    describe(name, () => {
      it(`needs OpenLDAP slapd`, () => {
        throw new Error(`${MISSING} (.ci/run installs it; CI requires it)`);
      });
    });
    return;
  }
  console.warn(`\n!!! SKIPPED "${name}": ${MISSING} !!!\n`);
  describe.skip(name, fn);
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export const toolEnv = () => ({ ...process.env, LDAPNOINIT: '1' }); // ignore /etc/ldap/ldap.conf and ~/.ldaprc

/** Runs a program, feeding `input` to stdin; resolves with its exit code and output. */
export function runTool(cmd: string, args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: toolEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs ?? 120_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // EPIPE when the tool exits early; its exit code tells
    child.stdin.end(options.input ?? '');
  });
}

export const moduleDir = () => MODULE_DIRS.find((d) => existsSync(join(d, 'back_mdb.so')) || existsSync(join(d, 'back_mdb.la')));
