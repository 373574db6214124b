import { parseArgs } from 'node:util';
import type { ClientLogger } from '@dialbook/core/vendor-protocol';
import { startYealinkService } from './service.js';

const USAGE = `usage: dialbook-yealink --core ws://core:3000/api/v1/vendor-services/ws --key dbk_svc_… [--listen 0.0.0.0:8090] [--public-url http://phones-see-me:8090]

  --core        core's websocket URL (env DIALBOOK_CORE_URL)
  --key         a service key from \`dialbook service-key create yealink\` (env DIALBOOK_SERVICE_KEY; prefer it: arguments show in ps)
  --listen      host:port phones connect to (default 0.0.0.0:8090)
  --public-url  the URL phones reach this service at, shown to the admin (default http://<hostname>:<port>)
  --instance-id a stable name for this process (default <hostname>-<random>)
  --log-level   info (default), warn, error or silent`;

/** JSON lines on stderr, like core's logs. */
function logger(level: string): ClientLogger {
  const rank = { info: 30, warn: 40, error: 50, silent: 100 }[level] ?? 30;
  const line = (n: number, name: string) => (obj: object, msg?: string) => {
    if (n >= rank) process.stderr.write(`${JSON.stringify({ level: name, time: new Date().toISOString(), service: 'yealink', ...obj, ...(msg ? { msg } : {}) })}\n`);
  };
  return { info: line(30, 'info'), warn: line(40, 'warn'), error: line(50, 'error') };
}

function fail(message: string): never {
  process.stderr.write(`dialbook-yealink: ${message}\n${USAGE}\n`);
  process.exit(64);
}

let args;
try {
  args = parseArgs({
    options: {
      core: { type: 'string' },
      key: { type: 'string' },
      listen: { type: 'string', default: '0.0.0.0:8090' },
      'public-url': { type: 'string' },
      'instance-id': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (err) {
  fail((err as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const core = args.core ?? process.env.DIALBOOK_CORE_URL;
const key = args.key ?? process.env.DIALBOOK_SERVICE_KEY;
if (!core || !/^wss?:\/\//.test(core)) fail('--core must be a ws:// or wss:// URL');
if (!key) fail('--key (or DIALBOOK_SERVICE_KEY) is required');
const m = /^(.*):(\d+)$/.exec(args.listen);
if (!m) fail(`--listen must be host:port, found "${args.listen}"`);
const log = logger(args['log-level']);

const running = await startYealinkService({
  core,
  key,
  host: m[1]!.replace(/^\[|\]$/g, ''),
  port: Number(m[2]),
  ...(args['public-url'] ? { publicUrl: args['public-url'] } : {}),
  ...(args['instance-id'] ? { instanceId: args['instance-id'] } : {}),
  ...(args['heartbeat-ms'] ? { heartbeatMs: Number(args['heartbeat-ms']) } : {}),
  logger: log,
}).catch((err: unknown) => fail(`could not start: ${(err as Error).message}`));
log.info({ url: running.url, port: running.port, core }, `serving Yealink phones on port ${running.port}`);
// A line tests and supervisors can wait for.
process.stdout.write(`listening ${running.port}\n`);

const stop = (signal: string) => {
  log.info({ signal }, 'stopping');
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  void running.close().then(() => process.exit(0));
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
