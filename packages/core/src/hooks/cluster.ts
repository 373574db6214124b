/**
 * Hook events across instances (ARCHITECTURE §4): with several Dialbook instances on one
 * PostgreSQL database, the events that keep per-instance state right — rendered directory
 * caches, pushes to the vendor services connected to each instance, schedules that follow
 * the settings — are relayed through PostgreSQL `LISTEN`/`NOTIFY` and emitted on every other
 * instance's hook bus as if they had happened there.
 *
 * Only events whose listeners are safe to run on every instance cross: `phonebook.changed`,
 * `settings.changed`, `credential.revoked`, `routing.changed` and `cluster.resync`. Events with once-only side effects
 * (`site.created` sends mail, `contact.synced` feeds enrichers that write) stay on the instance that
 * made the change. A relayed payload is plain JSON (what `JSON.stringify` keeps).
 *
 * Core's own messages between instances are no hook events: they go on private channels
 * (`channels.ts`), which the relay carries the same way, in line with the events, and delivers to
 * the channel's listeners instead of the hook bus.
 *
 * Events leave one after the other in the order they were emitted. PostgreSQL refuses NOTIFY
 * payloads of 8000 bytes or more: a larger event is sent as numbered fragments (back to back)
 * and put together by the receivers; fragments not completed within 30 s are dropped.
 *
 * NOTIFY is not queued for an instance that is not listening at that moment. So whenever the
 * listening connection comes back after a loss, this instance emits `cluster.resync` locally
 * (drop every cache, re-read every schedule) and tells the others to do the same (its own
 * changes during the gap may not have reached them).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import type { HookBus } from './bus.js';
import type { ClusterChannels } from './channels.js';
import type { EventName, HookEvents } from './types.js';

declare module './types.js' {
  interface HookEvents {
    /**
     * Events from other instances may have been missed (the PostgreSQL event relay reconnected):
     * drop caches and re-read what follows the settings. Emitted on every instance.
     */
    'cluster.resync': { reason: string };
  }
}

/** The PostgreSQL channel the relay uses. */
export const CLUSTER_CHANNEL = 'dialbook_events';

/** Events relayed to every instance. */
export const CLUSTER_EVENTS = ['phonebook.changed', 'settings.changed', 'credential.revoked', 'routing.changed', 'cluster.resync'] as const satisfies readonly EventName[];
type ClusterEvent = (typeof CLUSTER_EVENTS)[number];

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_PAYLOAD = 7_900;
/** Characters of the event's JSON per fragment: at most 3 bytes each in UTF-8 (JSON escapes no more), plus the envelope. */
const FRAGMENT_CHARS = 2_400;
/** Larger events (about 1 MB of JSON) are not relayed. */
const MAX_FRAGMENTS = 400;
/** Fragments of an event not completed within this time are dropped. */
const FRAGMENT_TTL_MS = 30_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

interface Envelope {
  /** The instance that emitted it. */
  o: string;
  /** A relayed hook event, or the name of a private channel. */
  n: string;
  p: unknown;
}

/** Part `i` (from 0) of `n` of the JSON text of an {@link Envelope} too large for one NOTIFY. */
interface Fragment {
  o: string;
  f: { id: string; i: number; n: number };
  t: string;
}

/** Split an envelope's JSON text into fragment envelopes, never inside a surrogate pair. */
function fragments(origin: string, text: string): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + FRAGMENT_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(at, end));
    at = end;
  }
  const id = randomUUID();
  return parts.map((t, i) => JSON.stringify({ o: origin, f: { id, i, n: parts.length }, t } satisfies Fragment));
}

export interface ClusterRelayStatus {
  instance: string;
  connected: boolean;
  relayed: number;
  received: number;
  reconnects: number;
}

export class ClusterRelay {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | null = null;
  private readonly offs: (() => void)[] = [];
  /** Payloads that came from another instance: not sent back out. */
  private readonly remote = new WeakSet<object>();
  private readonly counts = { relayed: 0, received: 0, reconnects: 0 };
  /** The NOTIFYs queued so far (sent one after the other). */
  private sending: Promise<void> = Promise.resolve();
  /** Fragments of large events from other instances, by `<origin>:<id>`. */
  private readonly partial = new Map<string, { parts: (string | undefined)[]; got: number; at: number }>();

  constructor(
    private readonly url: string,
    private readonly hooks: HookBus,
    private readonly channels: ClusterChannels,
    private readonly logger: Logger,
    readonly instance: string,
  ) {}

  /** Listen (the first connection must succeed: a misconfigured database stops start-up) and relay. */
  async start(): Promise<void> {
    this.stopped = false;
    for (const name of CLUSTER_EVENTS) {
      this.offs.push(this.hooks.on(name, (payload) => this.publish(name, payload), { owner: 'core', order: 10_000 }));
    }
    this.offs.push(this.channels.attach((name, message) => this.publish(name, message)));
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  status(): ClusterRelayStatus {
    return { instance: this.instance, connected: this.client !== null, ...this.counts };
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'dialbook-events', connectionTimeoutMillis: 10_000 });
    client.on('notification', (msg) => {
      if (msg.channel === CLUSTER_CHANNEL && msg.payload) void this.receive(msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
    this.client = client;
    this.retryMs = RETRY_MIN_MS;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.partial.clear(); // their missing fragments went by while nobody listened
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn({ err }, `lost the PostgreSQL connection that relays events between instances; reconnecting (changes made elsewhere meanwhile are caught up by a cluster.resync)`);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const delay = Math.round(this.retryMs * (0.5 + Math.random() / 2));
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.reconnect();
    }, delay);
    this.timer.unref();
  }

  private async reconnect(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      this.logger.warn({ err }, `cannot reach PostgreSQL to relay events; retrying in up to ${Math.round(this.retryMs / 1000)} s`);
      this.schedule();
      return;
    }
    this.counts.reconnects++;
    this.logger.info('event relay between instances is back; caches are dropped (cluster.resync)');
    // Here and everywhere else: whatever was missed in the gap is re-read.
    await this.hooks.emit('cluster.resync', { reason: 'an instance reconnected to the event relay' });
  }

  /** Send a hook event (one of {@link CLUSTER_EVENTS}) or a private channel's message to the other instances. */
  private async publish(name: ClusterEvent | string, payload: HookEvents[ClusterEvent] | object): Promise<void> {
    if (this.remote.has(payload)) return;
    const text = JSON.stringify({ o: this.instance, n: name, p: payload } satisfies Envelope);
    const messages = Buffer.byteLength(text) > MAX_PAYLOAD ? fragments(this.instance, text) : [text];
    if (messages.length > MAX_FRAGMENTS) {
      // A private channel's owner repeats what matters (a cluster.resync would not carry it).
      const fallback = name !== 'cluster.resync' && !this.channels.has(name);
      this.logger.error({ hook: name, bytes: Buffer.byteLength(text) }, `"${name}" is too large to relay to other instances${fallback ? '; sending cluster.resync instead' : ''}`);
      if (fallback) await this.publish('cluster.resync', { reason: `a "${name}" event too large to relay` });
      return;
    }
    const c = this.client;
    if (!c) return; // reconnecting: the others get a cluster.resync once this instance is back
    // One NOTIFY after the other, in the order the events were emitted: the fragments of one event go out back to back.
    const sent = this.sending.then(async () => {
      try {
        for (const m of messages) await c.query('select pg_notify($1, $2)', [CLUSTER_CHANNEL, m]);
        this.counts.relayed++;
      } catch (err) {
        this.logger.warn({ err, hook: name }, `could not relay "${name}" to other instances`);
      }
    });
    this.sending = sent;
    await sent;
  }

  /** A fragment of a large event: kept until all parts are in, then received as the whole event. */
  private async fragment(env: Fragment): Promise<void> {
    const { id, i, n } = env.f ?? {};
    if (typeof id !== 'string' || !Number.isInteger(i) || !Number.isInteger(n) || n < 1 || n > MAX_FRAGMENTS || i < 0 || i >= n || typeof env.t !== 'string') {
      this.logger.warn('ignored a malformed event fragment on the relay channel');
      return;
    }
    const now = Date.now();
    for (const [k, p] of this.partial) if (now - p.at > FRAGMENT_TTL_MS) this.partial.delete(k);
    const key = `${env.o}:${id}`;
    let p = this.partial.get(key);
    if (!p) this.partial.set(key, (p = { parts: new Array<string | undefined>(n), got: 0, at: now }));
    if (p.parts.length !== n || p.parts[i] !== undefined) return;
    p.parts[i] = env.t;
    if (++p.got < n) return;
    this.partial.delete(key);
    await this.receive(p.parts.join(''));
  }

  private async receive(text: string): Promise<void> {
    let env: Envelope | Fragment;
    try {
      env = JSON.parse(text) as Envelope | Fragment;
    } catch {
      this.logger.warn({ text: text.slice(0, 200) }, 'ignored a malformed event on the relay channel');
      return;
    }
    if (!env || typeof env !== 'object' || env.o === this.instance) return;
    if ('f' in env) return this.fragment(env);
    const channel = this.channels.has(env.n);
    if ((!channel && !(CLUSTER_EVENTS as readonly string[]).includes(env.n)) || typeof env.p !== 'object' || env.p === null) {
      this.logger.warn({ hook: env.n }, 'ignored an unknown event on the relay channel');
      return;
    }
    this.counts.received++;
    if (channel) return this.channels.receive(env.n, env.p);
    this.remote.add(env.p);
    await this.hooks.emit(env.n as ClusterEvent, env.p as never);
  }
}
