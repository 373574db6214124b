import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { CoreFrame, encodeFrame, type ConfigFieldSchema, HARD_FRAME_BYTES, parseFrame, type AccessInfo, type ConfigField, type Outgoing, type ServedEvent, type ServiceFrame } from './protocol.js';
import type { z } from 'zod';

type Frame<T extends CoreFrame['type']> = Extract<CoreFrame, { type: T }>;
export type ConfigureMessage = Frame<'configure'>;
export type EnablementMessage = Frame<'enablement'>;
export type PhonebookUpdateMessage = Frame<'phonebook.update'>;

/** A service's answer to a configuration or enablement change, for one phonebook. */
export interface StatusAnswer {
  state: 'enabled' | 'disabled';
  message?: string;
  access?: AccessInfo;
}

/** What the service does with what core sends. Throwing answers core with an error frame. */
export interface VendorClientHandlers {
  configure(frame: ConfigureMessage): StatusAnswer | Promise<StatusAnswer>;
  enablement(frame: EnablementMessage): StatusAnswer | Promise<StatusAnswer>;
  /** A phonebook's data, pushed by core after a change. */
  phonebook(frame: PhonebookUpdateMessage): void | Promise<void>;
}

export interface BackoffOptions {
  /** First retry after about this long (default 500 ms). */
  initialMs?: number;
  /** Never wait longer (default 30 s). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Share of the delay that is random, 0–1 (default 0.5: a delay in [½·d, d]). */
  jitter?: number;
}

/**
 * Exponential backoff with jitter: attempt 0 waits about `initialMs`, each further attempt
 * `factor` times longer up to `maxMs`; the last `jitter` share of the delay is random so that
 * many services restarting together do not reconnect in step.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { initialMs = 500, maxMs = 30_000, factor = 2, jitter = 0.5 } = options;
  const base = Math.min(maxMs, initialMs * Math.pow(factor, Math.max(0, attempt)));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}

/** The few logger methods the client uses (pino fits). */
export interface ClientLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface VendorClientOptions {
  /** Core's websocket URL: `ws://core.example.net:3000/api/v1/vendor-services/ws`. */
  url: string;
  /** A `dbk_svc_…` service key. */
  key: string;
  service: string;
  /** Default: the service name. */
  vendor?: string;
  version: string;
  /** Default: `<hostname>-<random>`. */
  instanceId?: string;
  /** The configuration the service needs per phonebook. */
  config?: z.input<typeof ConfigFieldSchema>[];
  handlers: VendorClientHandlers;
  backoff?: BackoffOptions;
  /** Ping interval until core names its own (default 15 s); a core silent for 2.5 intervals is dropped. */
  heartbeatMs?: number;
  /** How long a request (register, phonebook) waits for core (default 15 s). */
  requestTimeoutMs?: number;
  /** Device fetches kept while core is away; beyond this the oldest are dropped (default 100 000). */
  maxQueuedAudit?: number;
  logger?: ClientLogger;
}

const silent: ClientLogger = { info() {}, warn() {}, error() {} };

/**
 * The service side of the vendor-service websocket: connects, registers with its key,
 * reconnects with exponential backoff and jitter, pings core and drops a silent core,
 * validates every frame, answers core's configuration and enablement changes through
 * the handlers, and delivers device-fetch audit events at least once (queued while away).
 *
 * Events: `registered` (sessionId), `disconnected` (code, reason), `reconnecting` (delay ms, attempt).
 */
export class VendorServiceClient extends EventEmitter {
  readonly instanceId: string;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private stopped = true;
  private registered = false;
  private heartbeatMs: number;
  private lastSeen = 0;
  private seq = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, { resolve: (f: CoreFrame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private queue: ServedEvent[] = [];
  private readonly inflight = new Map<string, ServedEvent[]>();
  private readonly log: ClientLogger;

  constructor(private readonly options: VendorClientOptions) {
    super();
    this.instanceId = options.instanceId ?? `${hostname()}-${randomUUID().slice(0, 8)}`;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.log = options.logger ?? silent;
  }

  /** Registered with core right now. */
  get connected(): boolean {
    return this.registered;
  }

  /** Audit events not yet acknowledged by core. */
  get queuedAudit(): number {
    return this.queue.length + [...this.inflight.values()].reduce((n, b) => n + b.length, 0);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Close the connection and stop reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.retry, this.heartbeat, this.flushTimer]) if (t) clearTimeout(t);
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'service stopping');
        setTimeout(() => (ws.terminate(), resolve()), 2000).unref();
      });
    }
  }

  /** Ask core for a phonebook's data (with the pair key from `configure`). */
  async requestPhonebook(phonebookId: string, key: string): Promise<PhonebookUpdateMessage> {
    const answer = await this.request({ type: 'phonebook.request', id: this.nextId(), phonebookId, key });
    if (answer.type === 'phonebook.update') return answer;
    throw new Error(answer.type === 'error' ? `${answer.code}: ${answer.message}` : `unexpected answer ${answer.type}`);
  }

  /** Report a device fetch; delivered (at least once) when core is reachable. */
  reportServed(event: ServedEvent): void {
    this.queue.push(event);
    const max = this.options.maxQueuedAudit ?? 100_000;
    if (this.queue.length > max) {
      const dropped = this.queue.splice(0, this.queue.length - max).length;
      this.log.warn({ dropped }, 'audit queue full while core is away; oldest fetch records dropped');
    }
    if (this.registered) this.flushTimer ??= setTimeout(() => this.flushAudit(), 200);
  }

  /** Tell core about a phonebook's state on the service's own initiative. */
  sendStatus(phonebookId: string, answer: StatusAnswer): void {
    this.send({ type: 'status', phonebookId, ...answer });
  }

  // ---- connection --------------------------------------------------------------------------

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.options.url, { maxPayload: HARD_FRAME_BYTES, handshakeTimeout: this.options.requestTimeoutMs ?? 15_000 });
    this.ws = ws;
    this.lastSeen = Date.now();
    ws.on('open', () => {
      this.lastSeen = Date.now();
      const { key, service, version } = this.options;
      this.send({ type: 'register', id: this.nextId(), service, vendor: this.options.vendor ?? service, version, instanceId: this.instanceId, key, config: (this.options.config ?? []) as ConfigField[] });
      this.startHeartbeat();
    });
    ws.on('message', (data: RawData) => {
      this.lastSeen = Date.now();
      void this.message(data);
    });
    ws.on('ping', () => (this.lastSeen = Date.now()));
    ws.on('pong', () => (this.lastSeen = Date.now()));
    ws.on('error', (err) => this.log.warn({ err: err.message }, 'connection to core failed'));
    ws.on('close', (code, reason) => this.closed(ws, code, reason.toString()));
  }

  private closed(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    const was = this.registered;
    this.registered = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('connection to core closed'));
      this.pending.delete(id);
    }
    // Unacknowledged audit batches go back to the front of the queue.
    this.queue = [...[...this.inflight.values()].flat(), ...this.queue];
    this.inflight.clear();
    this.emit('disconnected', code, reason);
    if (was) this.log.warn({ code, reason }, 'disconnected from core; serving what it last sent');
    if (code === 4401) this.log.error({ code }, 'core refused the service key (unknown, revoked or for another service); retrying with backoff');
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.options.backoff);
    this.emit('reconnecting', delay, this.attempt);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      if (Date.now() - this.lastSeen > this.heartbeatMs * 2.5) {
        this.log.warn({ silentMs: Date.now() - this.lastSeen }, 'core stopped answering; reconnecting');
        ws.terminate();
        return;
      }
      this.send({ type: 'ping', id: this.nextId() });
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  // ---- frames ------------------------------------------------------------------------------

  private async message(data: RawData): Promise<void> {
    const parsed = parseFrame(CoreFrame, data, HARD_FRAME_BYTES);
    if (!parsed.ok) {
      this.log.warn({ code: parsed.code }, `refused a frame from core: ${parsed.message}`);
      return this.send({ type: 'error', ...(parsed.re ? { re: parsed.re } : {}), code: parsed.code, message: parsed.message });
    }
    const frame = parsed.frame;
    const re = 're' in frame ? frame.re : undefined;
    if (re && this.inflight.has(re)) {
      if (frame.type === 'error') this.log.warn({ code: frame.code }, `core refused ${this.inflight.get(re)!.length} audit events: ${frame.message}`);
      this.inflight.delete(re);
      return;
    }
    if (re && this.pending.has(re)) {
      const p = this.pending.get(re)!;
      clearTimeout(p.timer);
      this.pending.delete(re);
      return p.resolve(frame);
    }
    switch (frame.type) {
      case 'registered':
        this.registered = true;
        this.attempt = 0;
        if (frame.heartbeatMs !== this.heartbeatMs) {
          this.heartbeatMs = frame.heartbeatMs;
          this.startHeartbeat();
        }
        this.log.info({ sessionId: frame.sessionId, phonebookId: frame.phonebookId }, 'registered with core');
        this.emit('registered', frame.sessionId);
        return this.flushAudit();
      case 'configure':
      case 'enablement':
        return this.answer(frame);
      case 'phonebook.update':
        try {
          await this.options.handlers.phonebook(frame);
        } catch (err) {
          this.log.error({ err: (err as Error).message, phonebookId: frame.phonebookId }, 'could not take a phonebook update');
        }
        return;
      case 'ping':
        return this.send({ type: 'pong', re: frame.id });
      case 'error':
        this.log.warn({ code: frame.code }, `core reported: ${frame.message}`);
        return;
      default:
        return;
    }
  }

  private async answer(frame: ConfigureMessage | EnablementMessage): Promise<void> {
    try {
      const a = frame.type === 'configure' ? await this.options.handlers.configure(frame) : await this.options.handlers.enablement(frame);
      this.send({ type: 'status', re: frame.id, phonebookId: frame.phonebookId, state: a.state, ...(a.message ? { message: a.message } : {}), ...(a.access ? { access: a.access } : {}) });
    } catch (err) {
      this.send({ type: 'error', re: frame.id, code: 'DIALBOOK_VENDOR_SERVICE_FAILED', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private flushAudit(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    while (this.registered && this.queue.length) {
      const batch = this.queue.splice(0, 500);
      const id = this.nextId();
      this.inflight.set(id, batch);
      this.send({ type: 'audit', id, events: batch });
    }
  }

  private request(frame: Outgoing<ServiceFrame> & { id: string }): Promise<CoreFrame> {
    if (!this.registered) return Promise.reject(new Error('not connected to core'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(frame.id);
        reject(new Error(`core did not answer ${frame.type} in time`));
      }, this.options.requestTimeoutMs ?? 15_000);
      this.pending.set(frame.id, { resolve, reject, timer });
      this.send(frame);
    });
  }

  private send(frame: Outgoing<ServiceFrame>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encodeFrame(frame));
  }

  private nextId(): string {
    return `s${++this.seq}`;
  }
}
