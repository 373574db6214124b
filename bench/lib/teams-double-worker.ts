/**
 * The Graph double of the plugin tests (packages/plugin-teams/test/double.ts, Graph's documented
 * wire format) in a worker thread, serving the benchmark's callRecords: so that its JSON work runs
 * beside the sync rather than on the sync's event loop, as Graph's would. Posts where it listens;
 * answers `{ type: 'stats' }` with its request count (then zeroed), the process RSS and its thread's CPU time and `{ type: 'close' }` by closing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startGraphDouble } from '../../packages/plugin-teams/test/double.js';
import * as f from '../../packages/plugin-teams/test/fixtures.js';
import { teamsRecords, type TeamsRecordsOptions } from './teams-records.js';

const options = workerData as TeamsRecordsOptions;
const double = await startGraphDouble({ tenant: f.TENANT });
for (const r of teamsRecords(options)) double.records.set(r.id, r);
parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'stats') {
    const cpu = process.threadCpuUsage();
    parentPort!.postMessage({ type: 'stats', requests: double.requests.length, rss: process.memoryUsage().rss, cpuMs: (cpu.user + cpu.system) / 1000 });
    double.requests.length = 0;
  }
  if (m.type === 'close') void double.close().then(() => parentPort!.close());
});
parentPort!.postMessage({ type: 'ready', tenant: double.tenant, clientId: double.clientId, clientSecret: double.clientSecret, tokenEndpoint: double.tokenEndpoint, graphBaseUrl: double.graphBaseUrl, pageSize: double.pageSize });
