/**
 * Routing load benchmark (issue 15): two Dialbook instances (child processes, `lib/routing-server.ts`)
 * on one fresh PostgreSQL database, 200 concurrent simulated calls spread over both — decide →
 * attempt (each target in turn) → answered → ended, with random hold times and random crashes that
 * never send `ended` — while a sampler reads the live slots per link from the database every 50 ms.
 *
 *   npm run bench:routing                       # 60 s, 200 calls at once
 *   npm run bench:routing -- --seconds 10 --calls 100
 *
 * Printed: decisions/s per instance and in total, decide latency p50/p99 (client side, over HTTP),
 * the highest concurrency seen per link next to its cap, overruns of concurrency and daily caps
 * (must be 0), slots still live after the lease ran out (must be 0), and `GET /healthz`'s rate from
 * the same client against the same servers (the client's headroom). Exits 1 on an overrun or a leak.
 * See bench/README.md ("Routing"). Never part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setTimeout as wait } from 'node:timers/promises';
import pg from 'pg';
import { createDialbook, loadConfig, systemActor } from '@dialbook/core';
import { createTestDatabase } from '@dialbook/core/testing';
import { CampaignCreateSchema, ClientCreateSchema, DidCreateSchema, LinkCreateSchema } from '../packages/core/src/routing/types.js';
import { RoutingCampaignsToken, RoutingClientsToken, RoutingDidsToken, RoutingLinksToken } from '../packages/core/src/routing/module.js';
import { createRandom } from './lib/data.js';
import { createHttpClient, type HttpClient } from './lib/http-client.js';
import { postgresReachable } from './lib/raw.js';
import { fmtInt, fmtMs, summarise, table } from './lib/stats.js';

const USAGE = `usage: npm run bench:routing -- [--seconds N] [--calls N] [--campaigns N] [--lease-ms N] [--healthz-seconds N]

  --seconds N          seconds of load (default 60; env BENCH_SECONDS)
  --calls N            simulated calls in flight at once, over both instances (default 200; env BENCH_CALLS)
  --campaigns N        campaigns (one DID each, 3 links with concurrency caps 5–20 and daily caps) (default 8)
  --lease-ms N         the engines' slot lease (default 3000): crashed calls' slots must be gone after it
  --healthz-seconds N  seconds of GET /healthz from the same client afterwards (default 5)`;

const { values } = parseArgs({ options: { seconds: { type: 'string' }, calls: { type: 'string' }, campaigns: { type: 'string' }, 'lease-ms': { type: 'string' }, 'healthz-seconds': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const int = (raw: string | undefined, fallback: number, name: string): number => {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench: --${name} must be a positive integer (found "${raw}")\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const SECONDS = int(values.seconds ?? process.env.BENCH_SECONDS, 60, 'seconds');
const CALLS = int(values.calls ?? process.env.BENCH_CALLS, 200, 'calls');
const CAMPAIGNS = int(values.campaigns, 8, 'campaigns');
const LEASE_MS = int(values['lease-ms'], 3000, 'lease-ms');
const HEALTHZ_SECONDS = int(values['healthz-seconds'], 5, 'healthz-seconds');
const CRASH_RATE = 0.05;
const PG_URL = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : 'postgres://postgres@127.0.0.1:5432/postgres';

interface LinkSpec { linkId: string; clientId: string; concurrencyCap: number; dayCap: number }

/** Migrate the fresh database and create a seller, the campaigns, their DIDs and links, and an engine token (in this process, then closed). */
async function seed(url: string) {
  const dialbook = await createDialbook(await loadConfig({ env: {}, config: { database: { url }, logLevel: 'silent' } }), { migrate: true });
  await dialbook.start();
  try {
    const rnd = createRandom(15);
    const c = dialbook.container;
    const { user } = await dialbook.accounts.createUser({ email: 'seller@example.com', role: 'user', siteIds: [] }, systemActor);
    const token = (await dialbook.credentials.createEngineToken('bench', systemActor)).secret;
    const dids: string[] = [];
    const links: LinkSpec[] = [];
    for (let i = 0; i < CAMPAIGNS; i++) {
      const campaign = await c.resolve(RoutingCampaignsToken).create(CampaignCreateSchema.parse({ name: `Campaign ${i}`, ownerId: user.id, strategy: (['priority', 'round_robin', 'weighted'] as const)[i % 3], attempts: 3, ringTimeoutSeconds: 20 }));
      const did = `+4930555${String(1000 + i)}`;
      await c.resolve(RoutingDidsToken).create(DidCreateSchema.parse({ number: did, campaignId: campaign.id, ownerId: user.id }));
      dids.push(did);
      for (let j = 0; j < 3; j++) {
        const client = await c.resolve(RoutingClientsToken).create(ClientCreateSchema.parse({ name: `Buyer ${i}-${j}`, timeZone: j % 2 ? 'Europe/Berlin' : 'UTC', sip: { host: 'sip.example' } }));
        const concurrencyCap = rnd.int(5, 20);
        // Daily caps some links reach within the run, so the cap path is exercised too.
        const dayCap = rnd.int(SECONDS * 20, SECONDS * 200);
        const link = await c.resolve(RoutingLinksToken).create(LinkCreateSchema.parse({ campaignId: campaign.id, clientId: client.id, priority: j + 1, weight: j + 1, concurrencyCap, caps: { day: dayCap }, minTalkSeconds: 30 }));
        links.push({ linkId: link.id, clientId: client.id, concurrencyCap, dayCap });
      }
    }
    return { token, dids, links };
  } finally {
    await dialbook.stop();
  }
}

function startServer(url: string): Promise<{ child: ChildProcess; url: string; lines: AsyncIterator<string> }> {
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--conditions=dialbook-source', '--import', 'tsx', new URL('./lib/routing-server.ts', import.meta.url).pathname], {
    env: { ...process.env, DATABASE_URL: url, PORT: '0', BENCH_LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = (async function* () {
    let buf = '';
    for await (const chunk of child.stdout!) {
      buf += String(chunk);
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        yield buf.slice(0, i);
        buf = buf.slice(i + 1);
      }
    }
  })();
  return lines.next().then((first) => {
    if (first.done) throw new Error('a server exited before it listened');
    return { child, url: (JSON.parse(first.value) as { url: string }).url, lines };
  });
}

async function stopServer(s: { child: ChildProcess; lines: AsyncIterator<string> }): Promise<number> {
  s.child.kill('SIGTERM');
  const next = await s.lines.next();
  return next.done ? NaN : (JSON.parse(next.value) as { cpuMs: number }).cpuMs;
}

interface Stats { decisions: number; latencies: number[]; routed: number; rejected: number; capped: number; crashed: number; errors: number }
const newStats = (): Stats => ({ decisions: 0, latencies: [], routed: 0, rejected: 0, capped: 0, crashed: 0, errors: 0 });

/** One simulated call on `http`: the figures go to `stats`. */
async function oneCall(http: HttpClient, token: string, did: string, rnd: ReturnType<typeof createRandom>, stats: Stats): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  const callId = randomUUID();
  const t0 = performance.now();
  const d = await http.post('/api/v1/routing/decide', { did, caller: `+49151${String(rnd.int(0, 9_999_999)).padStart(7, '0')}`, callId }, auth);
  stats.latencies.push(performance.now() - t0);
  if (d.status !== 200) return void stats.errors++;
  stats.decisions++;
  const decision = d.json as { action: string; targets?: { clientId: string }[] };
  if (decision.action !== 'route') return void stats.rejected++;
  for (const t of decision.targets!) {
    const a = await http.post(`/api/v1/routing/calls/${callId}/attempt`, { clientId: t.clientId }, auth);
    if (a.status === 409) {
      stats.capped++;
      continue;
    }
    if (a.status !== 200) return void stats.errors++;
    stats.routed++;
    await wait(rnd.int(0, 30)); // ringing
    if (rnd.next() < 0.8 && (await http.post(`/api/v1/routing/calls/${callId}/answered`, {}, auth)).status !== 200) stats.errors++;
    await wait(rnd.int(0, 120)); // talking (scaled down: the caps matter, not the wall time)
    if (rnd.next() < CRASH_RATE) return void stats.crashed++; // the engine crashed: no `ended`, the lease frees the slot
    const e = await http.post(`/api/v1/routing/calls/${callId}/ended`, { status: 'completed', talkSeconds: rnd.int(0, 300) }, auth);
    if (e.status !== 200) stats.errors++;
    return;
  }
}

async function main(): Promise<void> {
  console.log(`Routing load benchmark: ${SECONDS} s, ${CALLS} calls at once over 2 instances, ${CAMPAIGNS} campaigns × 3 links, lease ${LEASE_MS} ms; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  const reachable = await postgresReachable(PG_URL);
  if (reachable !== true) {
    console.error(`!!! PostgreSQL is not reachable (${reachable}): nothing measured !!!`);
    process.exit(1);
  }
  const db = await createTestDatabase(PG_URL);
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  const sql = new pg.Client({ connectionString: db.url });
  let ok: boolean;
  try {
    const { token, dids, links } = await seed(db.url);
    servers.push(await startServer(db.url), await startServer(db.url));
    await sql.connect();
    const clients = servers.map((s) => createHttpClient(s.url, Math.ceil(CALLS / 2)));

    // The sampler: live slots per link, every 50 ms, from the database.
    const maxSeen = new Map<string, number>();
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await sql.query<{ link_id: string; n: string }>('select link_id, count(*) as n from routing_slot where lease_until > $1 group by link_id', [Date.now()]);
        for (const row of r.rows) maxSeen.set(row.link_id, Math.max(maxSeen.get(row.link_id) ?? 0, Number(row.n)));
        samples++;
        await wait(50);
      }
    })();

    const perInstance = [newStats(), newStats()];
    const deadline = performance.now() + SECONDS * 1000;
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CALLS }, async (_, w) => {
        const rnd = createRandom(1000 + w);
        const i = w % 2;
        while (performance.now() < deadline) {
          try {
            await oneCall(clients[i]!, token, dids[rnd.int(0, dids.length - 1)]!, rnd, perInstance[i]!);
          } catch {
            perInstance[i]!.errors++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    console.log(`load done: ${perInstance.map((s) => `${s.decisions} decisions, ${s.errors} errors`).join("; ")}`);
    const clientCpu = process.cpuUsage(cpu0);
    sampling = false;
    await sampler;

    // Every call that ended gave its slot back; the crashed ones' leases run out.
    await wait(LEASE_MS + 200);
    const leaked = Number((await sql.query<{ n: string }>('select count(*) as n from routing_slot where lease_until > $1', [Date.now()])).rows[0]!.n);
    const dayCounts = new Map<string, number>();
    for (const r of (await sql.query<{ owner_id: string; period: string; count: string }>("select owner_id, period, count from routing_counter where scope = 'link' and kind = 'routed' and period not like '%T%' and period <> 'total' and length(period) = 10")).rows) {
      dayCounts.set(r.owner_id, Math.max(dayCounts.get(r.owner_id) ?? 0, Number(r.count)));
    }

    // The client's headroom: the same client, the same concurrency, a trivial endpoint.
    let healthz = 0;
    const hzDeadline = performance.now() + HEALTHZ_SECONDS * 1000;
    const hzStart = performance.now();
    await Promise.all(
      Array.from({ length: CALLS }, async (_, w) => {
        while (performance.now() < hzDeadline) if ((await clients[w % 2]!.get('/healthz').catch(() => ({ status: 0 }))).status === 200) healthz++;
      }),
    );
    const healthzRate = healthz / ((performance.now() - hzStart) / 1000);
    const serverCpu = await Promise.all(servers.splice(0).map(stopServer));

    const all = perInstance.reduce((a, s) => ({ ...a, decisions: a.decisions + s.decisions, latencies: a.latencies.concat(s.latencies), routed: a.routed + s.routed, rejected: a.rejected + s.rejected, capped: a.capped + s.capped, crashed: a.crashed + s.crashed, errors: a.errors + s.errors }), newStats());
    const row = (name: string, s: Stats, cpuMs: number | null) => {
      const l = summarise(s.latencies);
      return [name, fmtInt(s.decisions / elapsed), fmtMs(l.p50), fmtMs(l.p99), fmtInt(s.routed), fmtInt(s.rejected), fmtInt(s.capped), fmtInt(s.crashed), fmtInt(s.errors), cpuMs === null ? '—' : `${Math.round((cpuMs / 1000 / elapsed) * 100)}%`];
    };
    console.log(`\n${fmtInt(all.decisions)} decisions in ${elapsed.toFixed(1)} s`);
    console.log(table(['', 'decisions/s', 'p50 ms', 'p99 ms', 'slots taken', 'rejects', '409 capped', 'crashed', 'errors', 'CPU'], [
      row('instance A', perInstance[0]!, serverCpu[0]!),
      row('instance B', perInstance[1]!, serverCpu[1]!),
      row('total', all, null),
    ]));
    console.log(`(server CPU is over the whole process life incl. start-up and /healthz; client CPU during the load ${Math.round(((clientCpu.user + clientCpu.system) / 1000 / 1000 / elapsed) * 100)}% of one core)`);

    let overruns = 0;
    const linkRows = links.map((l, i) => {
      const seen = maxSeen.get(l.linkId) ?? 0;
      const day = dayCounts.get(l.linkId) ?? 0;
      const over = (seen > l.concurrencyCap ? 1 : 0) + (day > l.dayCap ? 1 : 0);
      overruns += over;
      return [`link ${i}`, String(l.concurrencyCap), String(seen), fmtInt(l.dayCap), fmtInt(day), over ? 'OVERRUN' : 'ok'];
    });
    console.log(`\nconcurrency per link (${fmtInt(samples)} samples of routing_slot, every 50 ms) and routed calls today vs the daily cap:`);
    console.log(table(['', 'cap', 'max seen', 'day cap', 'routed today', ''], linkRows));
    console.log(`\noverruns: ${overruns} (must be 0)`);
    console.log(`slots still live ${LEASE_MS + 200} ms after the load stopped (lease ${LEASE_MS} ms): ${leaked} (must be 0; ${fmtInt(all.crashed)} calls crashed without "ended")`);
    console.log(`GET /healthz from the same client, ${CALLS} at once, both servers: ${fmtInt(healthzRate)}/s vs ${fmtInt(all.decisions / elapsed)} decisions/s (${(healthzRate / (all.decisions / elapsed)).toFixed(1)}×)`);
    const target = (what: string, pass: boolean, detail: string) => console.log(`${pass ? 'PASS' : 'MISS'}: ${what} ${detail}`);
    target('≥ 2,000 decisions/s per instance', Math.min(...perInstance.map((s) => s.decisions / elapsed)) >= 2000, `(${perInstance.map((s) => fmtInt(s.decisions / elapsed)).join(' / ')})`);
    target('p99 < 10 ms', summarise(all.latencies).p99 < 10, `(${fmtMs(summarise(all.latencies).p99)} ms)`);
    ok = overruns === 0 && leaked === 0 && all.errors === 0;
    if (!ok) console.log(`FAIL: ${overruns} overruns, ${leaked} leaked slots, ${all.errors} errors`);
    for (const c of clients) c.close();
  } finally {
    await Promise.all(servers.map(stopServer));
    await sql.end().catch(() => {});
    await db.drop();
  }
  process.exit(ok ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
