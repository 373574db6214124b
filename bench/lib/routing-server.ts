/**
 * One Dialbook instance for `bench/routing.bench.ts`, run as a child process so the load client
 * does not share its event loop: PostgreSQL from `DATABASE_URL`, no plugins, no migrations (the
 * bench migrated the database before), listening on `PORT` at 127.0.0.1. The routing engine's
 * lease is `BENCH_LEASE_MS` (short, so leaked slots show within the run).
 *
 * Prints one JSON line `{"url": …}` once it listens; on SIGTERM it prints
 * `{"cpuMs": …}` (its own user+system CPU time) and exits.
 */
import { createDialbook, listen, loadConfig } from '@dialbook/core';
import { RoutingEngineToken } from '../../packages/core/src/routing/module.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const dialbook = await createDialbook(await loadConfig({ env: { DIALBOOK_DB_POOL: process.env.DIALBOOK_DB_POOL }, config: { database: { url }, logLevel: 'silent' } }), { migrate: false });
await dialbook.start();
const engine = dialbook.container.resolve(RoutingEngineToken);
engine.leaseMs = Number(process.env.BENCH_LEASE_MS ?? 5000);
const running = await listen(dialbook, { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.on('SIGTERM', () => {
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  void running.close().finally(() => process.exit(0));
});
