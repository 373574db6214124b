/**
 * Webhook throughput of `@dialbook/plugin-placetel`: a core with the plugin on embedded SQLite,
 * served on a real port (127.0.0.1), hammered by autocannon with signed Notify API posts
 * (`application/x-www-form-urlencoded`, `X-PLACETEL-SIGNATURE` over the raw body). Every request
 * is a distinct event (its own `call_id`, cycling IncomingCall → CallAccepted → HungUp), so the
 * replay guard never short-circuits: each one is verified, parsed, claimed and upserted.
 *
 * Called by bench/calls.bench.ts:
 * ```ts
 * const r = await webhookThroughput({ seconds: 10, connections: 16 });
 * console.log(`${Math.round(r.requestsPerSecond)} signed webhooks/s`);
 * ```
 * With `baseline: true` the same server's `GET /healthz` is measured in the same run, for scale.
 * autocannon runs in this process, so the figures include its own cost (as a lower bound).
 */
import autocannon from 'autocannon';
import { createTestCore } from '@dialbook/core/testing';
import { createPlacetelPlugin, sign } from '@dialbook/plugin-placetel';

export interface WebhookThroughputOptions {
  seconds: number;
  connections: number;
  /** Also measure `GET /healthz` on the same server (default false). */
  baseline?: boolean;
}

export interface WebhookThroughput {
  requestsPerSecond: number;
  /** Latency of the webhook requests, ms. */
  latency: { p50: number; p97_5: number; p99: number; max: number };
  requests: number;
  /** Answers other than 200 (should be 0). */
  non2xx: number;
  errors: number;
  /** Calls in the log at the end (distinct call_ids). */
  calls: number;
  seconds: number;
  connections: number;
  baselineRequestsPerSecond?: number;
}

const SECRET = 'bench-placetel-secret';

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export async function webhookThroughput({ seconds, connections, baseline = false }: WebhookThroughputOptions): Promise<WebhookThroughput> {
  const core = await createTestCore({ databaseUrl: 'sqlite', listen: true, plugins: { placetel: { plugin: createPlacetelPlugin(), options: { syncCron: null } } } });
  try {
    const patch = await core.request(`/api/v1/settings/placetel?siteId=${core.site.id}`, { method: 'PATCH', json: { secret: SECRET, numbers: ['+4922129191999'] } });
    if (!patch.ok) throw new Error(`could not configure the plugin: ${patch.status} ${await patch.text()}`);
    const sites = (await (await core.request('/api/v1/plugins/placetel/sites')).json()) as { items: { webhookUrl: string }[] };
    const path = new URL(sites.items[0]!.webhookUrl).pathname;

    let n = 0;
    const next = (): { body: string; signature: string } => {
      const i = n++;
      const id = Math.floor(i / 3).toString(16).padStart(64, '0');
      const events: Record<string, string>[] = [
        { event: 'IncomingCall', from: '01662223344', to: '022129191999', call_id: id, direction: 'in' },
        { event: 'CallAccepted', from: '01662223344', to: '022129191999', call_id: id, peer: '7777abcdefg@fpbx.de', direction: 'in' },
        { event: 'HungUp', type: 'accepted', duration: '42', from: '01662223344', to: '022129191999', call_id: id, direction: 'in' },
      ];
      const body = new URLSearchParams(events[i % 3]!).toString();
      return { body, signature: sign(SECRET, body) };
    };

    const result = await run({
      url: `${core.url}${path}`,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const { body, signature } = next();
            return { ...req, body, headers: { ...req.headers, 'content-type': 'application/x-www-form-urlencoded', 'x-placetel-signature': signature } };
          },
        },
      ],
    });
    const calls = (await (await core.request(`/api/v1/calls/stats?siteId=${core.site.id}`)).json().catch(() => null)) as { total?: { count?: number } } | null;
    const out: WebhookThroughput = {
      requestsPerSecond: result.requests.average,
      latency: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      calls: calls?.total?.count ?? Math.ceil(n / 3),
      seconds,
      connections,
    };
    if (baseline) out.baselineRequestsPerSecond = (await run({ url: `${core.url}/healthz`, connections, duration: seconds })).requests.average;
    return out;
  } finally {
    await core.close();
  }
}
