/**
 * Directory benchmark: a 10,000-contact phonebook served by Dialbook to Yealink phones under
 * load (autocannon, keep-alive, 64 connections), and in the same run nginx (the Debian
 * package, its own config on a free port, never the system instance) serving the same bytes
 * as a static file. Prints both full-response rates and their ratio, the 304 rate (with
 * If-None-Match), and the cold render time after an edit (over HTTP, and in process without HTTP).
 *
 *   npm run bench:directory
 *   npm run bench:directory -- --count 10000 --duration 10 --connections 64
 *
 * The core runs in this process as a deployment runs it (SQLite file, migrations, the Yealink
 * plugin, `listen()`); autocannon runs as a child process so the load generator does not
 * share the server's event loop. nginx runs one worker (Dialbook is one process) with
 * `sendfile on`. If /usr/sbin/nginx is missing the bench installs it with
 * `apt-get update && apt-get install -y nginx` (needs root).
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createDialbook, listen, loadConfig, systemActor, type ContactCreate } from '@dialbook/core';
import yealink from '@dialbook/plugin-yealink';
import { createContactGenerator } from './lib/data.js';
import { fmtInt, fmtMs, fmtRatio, summarise, table } from './lib/stats.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: process.env.BENCH_COUNT ?? '10000' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
    connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '64' },
    edits: { type: 'string', default: process.env.BENCH_EDITS ?? '10' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log('npm run bench:directory -- [--count 10000] [--duration 10 (s per run)] [--connections 64] [--edits 10 (cold renders measured)]');
  process.exit(0);
}
const COUNT = Number(args.count);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const EDITS = Number(args.edits);
const NGINX = '/usr/sbin/nginx';
const AUTOCANNON = resolve('node_modules/autocannon/autocannon.js');

const freePort = () =>
  new Promise<number>((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? ok(a.port) : fail(new Error('no port'))));
    });
  });

interface Cannon {
  requests: { average: number; total: number };
  throughput: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  statusCodeStats?: Record<string, { count: number }>;
}

/** autocannon in a child process (keep-alive is its default), JSON result. */
function cannon(url: string, headers: Record<string, string>): Promise<Cannon> {
  const argv = [AUTOCANNON, '-j', '-c', String(CONNECTIONS), '-d', String(DURATION)];
  for (const [k, v] of Object.entries(headers)) argv.push('-H', `${k}=${v}`);
  argv.push(url);
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? ok(JSON.parse(out) as Cannon) : fail(new Error(`autocannon exited ${code}`))));
  });
}

function ensureNginx(): void {
  if (existsSync(NGINX)) return;
  console.log(`${NGINX} is missing: installing the Debian package (apt-get update && apt-get install -y nginx)…`);
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null'], { stdio: 'inherit' });
}

async function startNginx(dir: string, file: Buffer): Promise<{ url: string; stop(): void }> {
  ensureNginx();
  const port = await freePort();
  mkdirSync(join(dir, 'www'), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'www', 'directory.xml'), file);
  // Workers run as nobody when started by root: the temporary directory (0700) must be readable.
  for (const d of [dir, join(dir, 'www')]) chmodSync(d, 0o755);
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  types { text/xml xml; }
  charset utf-8; charset_types text/xml;
  server {
    listen 127.0.0.1:${port};
    root ${dir}/www;
    location / { etag on; add_header Cache-Control no-cache; }
  }
}
`,
  );
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}/directory.xml`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dialbook-bench-dir-'));
  console.log(`Directory benchmark: ${fmtInt(COUNT)} contacts, autocannon ${CONNECTIONS} connections × ${DURATION} s, keep-alive; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  const config = await loadConfig({ env: {}, config: { database: { url: `sqlite:${join(dir, 'bench.sqlite')}` }, logLevel: 'silent', server: { port: 0, host: '127.0.0.1' }, plugins: { yealink: { plugin: yealink } } } });
  const dialbook = await createDialbook(config, { migrate: true });
  await dialbook.start();
  const running = await listen(dialbook, { port: await freePort(), host: '127.0.0.1' });
  let nginx: { url: string; stop(): void } | undefined;
  try {
    const site = await dialbook.sites.create({ name: 'Bench', slug: 'bench', defaultCountry: 'DE' });
    const gen = createContactGenerator(site.id);
    for (let done = 0; done < COUNT; done += 1000) {
      const bodies: ContactCreate[] = [];
      for (let j = 0; j < Math.min(1000, COUNT - done); j++) bodies.push(gen.next().body);
      await dialbook.contacts.createMany(bodies, systemActor, { emit: false });
    }
    const pb = await dialbook.phonebooks.create({ siteId: site.id, name: 'Everyone', filter: {} });
    const cred = await dialbook.credentials.createForPhonebook(pb.id, 'bench', systemActor);
    const auth = `Basic ${Buffer.from(`${cred.username}:${cred.secret}`).toString('base64')}`;
    const url = `${running.url}/directory/${pb.id}/yealink`;
    const headers = { authorization: auth, 'user-agent': 'Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56' };

    // Cold render after an edit (a contact changes → phonebook.changed → next fetch renders).
    const first = await fetch(url, { headers });
    const body = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag')!;
    const cold: number[] = [];
    const contacts = await dialbook.phonebooks.members(pb.id, { pageSize: EDITS });
    for (let i = 0; i < EDITS; i++) {
      const c = contacts.items[i % contacts.items.length]!;
      await dialbook.contacts.update(c.id, { title: `Edit ${i}` }, systemActor);
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      cold.push(performance.now() - t0);
    }
    // The same without HTTP and without the edit's own work: drop the cache, render in process.
    const renderOnly: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      dialbook.directory.invalidate(pb.id, site.id);
      const t0 = performance.now();
      await dialbook.directory.render(pb.id, 'yealink');
      renderOnly.push(performance.now() - t0);
    }
    const final = await fetch(url, { headers });
    const bytes = Buffer.from(await final.arrayBuffer());
    const finalEtag = final.headers.get('etag')!;
    console.log(`Rendered YealinkIPPhoneBook: ${fmtInt(bytes.length)} bytes (first ETag ${etag}, ${body.length} bytes)`);

    nginx = await startNginx(dir, bytes);
    const check = await fetch(nginx.url);
    const served = Buffer.from(await check.arrayBuffer());
    if (!served.equals(bytes)) throw new Error(`nginx does not serve the same bytes (${check.status}, ${served.length} bytes: ${served.subarray(0, 200).toString()})`);

    // Warm-up, then measured runs.
    await cannon(url, headers).catch(() => undefined);
    const full = await cannon(url, headers);
    const notModified = await cannon(url, { ...headers, 'if-none-match': finalEtag });
    const nginxFull = await cannon(nginx.url, {});
    const nginxEtag = check.headers.get('etag')!;
    const nginx304 = await cannon(nginx.url, { 'if-none-match': nginxEtag });
    await dialbook.directory.audit.flush();
    const [{ n }] = await dialbook.orm.em.fork().getConnection().execute<{ n: number }[]>("select count(*) as n from audit_event where action = 'directory.served'");

    const coldStats = summarise(cold);
    const row = (name: string, r: Cannon) => [name, fmtInt(r.requests.average), `${fmtInt(r.throughput.average / 1024 / 1024)} MiB/s`, fmtMs(r.latency.p50), fmtMs(r.latency.p99), fmtInt(r.non2xx), fmtInt(r.errors)];
    console.log(
      '\n' +
        table(['run', 'req/s', 'throughput', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'], [
          row('Dialbook 200 (full body)', full),
          row('nginx 200 (static file)', nginxFull),
          row('Dialbook 304 (If-None-Match)', notModified),
          row('nginx 304 (If-None-Match)', nginx304),
        ]),
    );
    console.log(`\nFull responses: Dialbook ÷ nginx = ${fmtRatio(full.requests.average / nginxFull.requests.average)} (target ≥ 0.5×)`);
    console.log(`304: Dialbook ${fmtInt(notModified.requests.average)} req/s, ÷ nginx = ${fmtRatio(notModified.requests.average / nginx304.requests.average)}`);
    console.log(`Cold render after an edit (fetch over HTTP, ${EDITS} edits): median ${fmtMs(coldStats.p50)} ms, p95 ${fmtMs(coldStats.p95)} ms, max ${fmtMs(coldStats.max)} ms`);
    const renderStats = summarise(renderOnly);
    console.log(`Cold render in process (invalidate → directory.render, ${EDITS}×): median ${fmtMs(renderStats.p50)} ms, p95 ${fmtMs(renderStats.p95)} ms, max ${fmtMs(renderStats.max)} ms`);
    console.log(`Audit rows written for the fetches (batched): ${fmtInt(Number(n))}`);
  } finally {
    nginx?.stop();
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
