/**
 * A test CA and a server certificate it issued for 127.0.0.1 and localhost, made with openssl at
 * test time (as CUCM's tomcat certificate is usually private), so the client's TLS verification
 * with a CA PEM is exercised for real.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  /** PEM of the issuing CA: what an admin pastes into the CA setting. */
  ca: string;
  cert: string;
  key: string;
}

let cached: Promise<TestCertificates> | null = null;

/** Made once per test process. */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= make();
  return cached;
}

async function make(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'dialbook-cucm-certs-'));
  const at = (f: string) => join(dir, f);
  try {
    await writeFile(at('san.cnf'), 'subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth\n');
    const steps = [
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=Dialbook test CA (CUCM double)'],
      ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=cucm-double'],
      ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('san.cnf')],
    ];
    for (const args of steps) {
      try {
        await run('openssl', args, { timeout: 60_000 });
      } catch (err) {
        throw new Error(`openssl ${args[0]} failed (is openssl installed? scripts/test-services.sh installs it): ${(err as Error).message}`, { cause: err });
      }
    }
    return { ca: await readFile(at('ca.pem'), 'utf8'), cert: await readFile(at('server.pem'), 'utf8'), key: await readFile(at('server.key'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
