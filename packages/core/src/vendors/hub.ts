import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { CredentialService } from '../credentials/service.js';
import { isDialbookError } from '../base/errors.js';
import { CORE_HARD_FRAME_BYTES, MAX_FRAME_BYTES, parseFrame, ServiceFrame, VENDOR_WS_PATH, type ParseResult } from './protocol.js';
import type { VendorServices } from './service.js';
import { ServiceSession } from './session.js';

export interface VendorHubOptions {
  /** Core pings every session this often and drops one silent for 2.5 intervals (default 15 s). */
  heartbeatMs?: number;
  /** A new connection must register within this time (default 10 s). */
  registerTimeoutMs?: number;
  /** Incoming frames above this size get an error frame (default {@link MAX_FRAME_BYTES}). */
  maxFrameBytes?: number;
}

/** Close codes core uses (4000–4999 are the application's). */
export const CLOSE = { unauthorized: 4401, registerTimeout: 4408, heartbeat: 4000, shutdown: 1001 } as const;

/**
 * The websocket endpoint vendor services connect to (`/api/v1/vendor-services/ws` on core's
 * HTTP listener). Accepts the upgrade, waits for a `register` frame with a valid service key,
 * validates every frame (a bad one gets an `error` frame; the connection stays), answers
 * pings, pings the service (ws-level) and drops it when it stops answering, and hands the
 * meaning of each frame to {@link VendorServices}.
 */
export class VendorHub {
  private readonly wss: WebSocketServer;
  private readonly heartbeatMs: number;
  private readonly registerTimeoutMs: number;
  private readonly maxFrameBytes: number;
  private timer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly services: VendorServices,
    private readonly credentials: CredentialService,
    private readonly logger: Logger,
    options: VendorHubOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.registerTimeoutMs = options.registerTimeoutMs ?? 10_000;
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(CORE_HARD_FRAME_BYTES, this.maxFrameBytes) });
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.connection(ws, req));
  }

  /** Listen for upgrades on `server` at {@link VENDOR_WS_PATH}; other upgrade paths are refused. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path !== VENDOR_WS_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
    });
    this.timer ??= setInterval(() => this.sweep(), this.heartbeatMs);
    this.timer.unref();
  }

  /** Close every connection (going away) before the HTTP server closes. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const ws of this.wss.clients) ws.close(CLOSE.shutdown, 'core is shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    for (const ws of this.wss.clients) ws.terminate();
    await this.services.close();
  }

  private connection(ws: WebSocket, req: IncomingMessage): void {
    const session = new ServiceSession(ws, req.socket.remoteAddress ?? null);
    this.services.addSession(session);
    const log = this.logger.child({ session: session.id, remote: session.remoteAddress });
    const registerTimer = setTimeout(() => {
      if (!session.info) ws.close(CLOSE.registerTimeout, 'no register frame in time');
    }, this.registerTimeoutMs);
    registerTimer.unref();
    ws.on('pong', () => (session.lastSeen = Date.now()));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      session.lastSeen = Date.now();
      void this.message(session, data, isBinary, log);
    });
    ws.on('error', (err) => log.warn({ err }, 'vendor service socket error'));
    ws.on('close', (code, reason) => {
      clearTimeout(registerTimer);
      this.services.removeSession(session);
      if (session.info) log.info({ code, reason: reason.toString(), service: session.info.service, instance: session.info.instanceId }, `${session.info.service} service disconnected`);
    });
  }

  private async message(session: ServiceSession, data: RawData, isBinary: boolean, log: Logger): Promise<void> {
    const parsed: ParseResult<ServiceFrame> = isBinary ? { ok: false, code: 'DIALBOOK_VENDOR_FRAME_INVALID', message: 'frames are JSON text messages, not binary' } : parseFrame(ServiceFrame, data, this.maxFrameBytes);
    if (!parsed.ok) {
      log.warn({ code: parsed.code }, `refused a frame: ${parsed.message}`);
      return session.send({ type: 'error', ...(parsed.re ? { re: parsed.re } : {}), code: parsed.code, message: parsed.message });
    }
    const frame = parsed.frame;
    if (!session.info && frame.type !== 'register' && frame.type !== 'ping') {
      return session.send({ type: 'error', ...('id' in frame && frame.id ? { re: frame.id } : {}), code: 'DIALBOOK_VENDOR_NOT_REGISTERED', message: 'send a register frame first' });
    }
    try {
      switch (frame.type) {
        case 'register':
          return await this.register(session, frame, log);
        case 'ping':
          return session.send({ type: 'pong', re: frame.id });
        case 'pong':
          return;
        case 'status': {
          const known = this.services.status(session, frame.phonebookId, frame.state, frame.message ?? null, frame.access ?? null);
          session.answer(frame);
          if (!known) session.send({ type: 'error', ...(frame.id ? { re: frame.id } : {}), code: 'DIALBOOK_VENDOR_PAIR_UNKNOWN', message: `phonebook ${frame.phonebookId} was never configured for this service` });
          return;
        }
        case 'phonebook.request': {
          const snap = await this.services.phonebookFor(session, frame.phonebookId, frame.key);
          return session.send({ type: 'phonebook.update', re: frame.id, phonebookId: frame.phonebookId, revision: snap.revision, reason: 'requested', directory: snap.directory });
        }
        case 'audit': {
          const recorded = this.services.audit(session, frame.events);
          if (recorded < frame.events.length) log.warn({ ignored: frame.events.length - recorded }, 'audit events for phonebooks this service was not given were ignored');
          return session.send({ type: 'ack', re: frame.id });
        }
        case 'error':
          session.answer(frame);
          log.warn({ code: frame.code, re: frame.re }, `vendor service reported: ${frame.message}`);
          return;
      }
    } catch (err) {
      const re = 'id' in frame && frame.id ? frame.id : undefined;
      if (!isDialbookError(err) || err.status >= 500) log.error({ err, type: frame.type }, 'handling a vendor service frame failed');
      session.send({ type: 'error', ...(re ? { re } : {}), code: isDialbookError(err) ? err.code : 'DIALBOOK_VENDOR_INTERNAL', message: isDialbookError(err) ? err.message : 'core could not handle this frame (see its log)' });
    }
  }

  private async register(session: ServiceSession, frame: Extract<ServiceFrame, { type: 'register' }>, log: Logger): Promise<void> {
    if (session.info) return session.send({ type: 'error', re: frame.id, code: 'DIALBOOK_VENDOR_ALREADY_REGISTERED', message: 'this connection is registered already' });
    const cred = await this.credentials.verifyServiceKey(frame.key);
    if (!cred || cred.service !== frame.service) {
      log.warn({ service: frame.service, instance: frame.instanceId }, 'vendor service refused: unknown, revoked or wrong key');
      session.send({ type: 'error', re: frame.id, code: 'DIALBOOK_VENDOR_KEY_INVALID', message: `the key is unknown, revoked, or not a key for the "${frame.service}" service (create one with \`dialbook service-key create ${frame.service}\`)` });
      session.ws.close(CLOSE.unauthorized, 'invalid key');
      return;
    }
    session.info = { service: frame.service, vendor: frame.vendor, version: frame.version, instanceId: frame.instanceId, config: frame.config, credential: cred, phonebookId: cred.phonebookId };
    session.send({ type: 'registered', re: frame.id, sessionId: session.id, heartbeatMs: this.heartbeatMs, phonebookId: cred.phonebookId });
    log.info({ service: frame.service, vendor: frame.vendor, version: frame.version, instance: frame.instanceId }, `${frame.service} service registered`);
    await this.services.registered(session);
  }

  /** Ping every session; drop the ones silent for 2.5 heartbeats (dead peers, half-open TCP). */
  private sweep(): void {
    const now = Date.now();
    for (const ws of this.wss.clients) {
      const session = this.sessionOf(ws);
      if (session && now - session.lastSeen > this.heartbeatMs * 2.5) {
        this.logger.warn({ session: session.id }, 'vendor service stopped answering pings; dropping the connection');
        ws.terminate();
        continue;
      }
      try {
        ws.ping();
      } catch {
        /* closing */
      }
    }
  }

  private sessionOf(ws: WebSocket): ServiceSession | undefined {
    return this.services.sessionByWs(ws);
  }
}
