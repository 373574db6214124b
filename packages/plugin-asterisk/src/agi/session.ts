/**
 * One FastAGI connection: read the `agi_*` block, then let the handler talk to Asterisk one
 * command at a time. Timeouts, garbage and closes end the connection, never the server.
 */
import type { Socket } from 'node:net';
import type { Logger } from '@dialbook/core';
import { AsteriskError } from '../errors.js';
import { encodeCommand, encodeExec, LineDecoder, MAX_HEADER_LINES, parseEnv, ResponseReader, type AgiEnv, type AgiResponse } from './protocol.js';

/** Why a session's channel is gone: Asterisk's inline `HANGUP` notice, or the socket closed. */
export type HangupReason = 'hangup' | 'closed';

/** What a handler gets for one call. */
export interface AgiSession {
  /** The connection's number on this server (for logs). */
  readonly id: number;
  /** The parsed `agi_*` block. */
  readonly env: AgiEnv;
  /**
   * Send one encoded command line (see `encodeCommand`) and wait for its answer. Commands are
   * queued: one is on the wire at a time. The wait is bounded by `timeoutMs` (default the idle
   * timeout; `null`: until the connection ends); a timeout closes the connection, since a late
   * answer could no longer be matched to its command.
   */
  command(line: string, options?: { timeoutMs?: number | null }): Promise<AgiResponse>;
  /** `EXEC <app> "<args joined by commas>"`; waits as long as the application runs (a Dial rings and talks). */
  exec(app: string, ...args: string[]): Promise<AgiResponse>;
  /** `GET VARIABLE <name>`: its value, or null when unset. Allowed on a dead channel too. */
  getVariable(name: string): Promise<string | null>;
  /** `SET VARIABLE <name> <value>`. Throws `DIALBOOK_ASTERISK_AGI_COMMAND` unless Asterisk answers 200. */
  setVariable(name: string, value: string): Promise<void>;
  /** True once the channel hung up (a `HANGUP` line) or the connection closed. */
  readonly hungUp: boolean;
  /** Settles when the channel hangs up or the connection closes, with the reason. */
  readonly whenHungUp: Promise<HangupReason>;
  /** Aborted when the connection ends (closed by either side, timed out, or destroyed on stop). */
  readonly signal: AbortSignal;
}

/** Runs a call. When it returns, the connection is closed and the dialplan continues. */
export type AgiHandler = (session: AgiSession) => Promise<void>;

/** Counters a server keeps over its connections. */
export interface AgiStats {
  accepted: number;
  active: number;
  rejected: number;
  timedOut: number;
  protocolErrors: number;
  handlerErrors: number;
}

interface Pending {
  resolve(r: AgiResponse): void;
  reject(e: unknown): void;
  timer: NodeJS.Timeout | undefined;
}

/** One connection from Asterisk; `closed` settles when its socket is gone. */
export class AgiConnection implements AgiSession {
  readonly id: number;
  readonly closed: Promise<void>;
  #env: AgiEnv | null = null;
  #header: string[] = [];
  readonly #decoder = new LineDecoder();
  readonly #reader = new ResponseReader();
  readonly #abort = new AbortController();
  #pending: Pending | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #hungUp: HangupReason | null = null;
  #hangupResolve!: (r: HangupReason) => void;
  readonly whenHungUp: Promise<HangupReason>;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly socket: Socket,
    id: number,
    private readonly deps: { idleTimeoutMs: number; logger: Logger; handler: AgiHandler; stats: AgiStats },
  ) {
    this.id = id;
    this.whenHungUp = new Promise((resolve) => (this.#hangupResolve = resolve));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => deps.logger.debug({ err, connection: id }, 'AGI connection error'));
    socket.once('close', () => this.#onClose());
    // The header block must be complete within the idle timeout: a silent client, or one that
    // drips lines, is closed.
    this.#timer = setTimeout(() => this.#fail('timeout', 'sent no complete agi_* block in time'), deps.idleTimeoutMs);
  }

  get env(): AgiEnv {
    if (!this.#env) throw new Error('AGI session has no header block yet');
    return this.#env;
  }
  get hungUp(): boolean {
    return this.#hungUp !== null;
  }
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  command(line: string, options: { timeoutMs?: number | null } = {}): Promise<AgiResponse> {
    // eslint-disable-next-line no-control-regex -- a line break would send a second command
    if (/[\u0000-\u001f\u007f]/.test(line)) {
      return Promise.reject(new AsteriskError('DIALBOOK_ASTERISK_AGI_ARGUMENT', `AGI command line contains a control character (line break?): ${JSON.stringify(line.slice(0, 80))}`, { field: 'command' }));
    }
    const timeoutMs = options.timeoutMs === undefined ? this.deps.idleTimeoutMs : options.timeoutMs;
    const run = this.#queue.then(() => this.#send(line, timeoutMs));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  exec(app: string, ...args: string[]): Promise<AgiResponse> {
    return this.command(encodeExec(app, ...args), { timeoutMs: null });
  }

  async getVariable(name: string): Promise<string | null> {
    const r = await this.command(encodeCommand('GET VARIABLE', name));
    if (r.code !== 200) throw refused(r, `GET VARIABLE ${name}`);
    return r.result === 1 ? (r.data ?? '') : null;
  }

  async setVariable(name: string, value: string): Promise<void> {
    const r = await this.command(encodeCommand('SET VARIABLE', name, value));
    if (r.code !== 200) throw refused(r, `SET VARIABLE ${name}`);
  }

  #send(line: string, timeoutMs: number | null): Promise<AgiResponse> {
    if (this.socket.destroyed || this.#abort.signal.aborted) return Promise.reject(closedError(line));
    return new Promise<AgiResponse>((resolve, reject) => {
      const timer = timeoutMs === null ? undefined : setTimeout(() => this.#fail('timeout', `did not answer "${line.split(' ', 2).join(' ')}" in time`), timeoutMs);
      this.#pending = { resolve, reject, timer };
      this.socket.write(`${line}\n`);
    });
  }

  #onData(chunk: Buffer): void {
    let lines: string[];
    try {
      lines = this.#decoder.push(chunk);
    } catch (err) {
      return this.#fail('protocol', (err as Error).message);
    }
    for (const line of lines) {
      if (this.socket.destroyed) return;
      if (this.#env) this.#onLine(line);
      else this.#onHeaderLine(line);
    }
  }

  #onHeaderLine(line: string): void {
    if (line !== '') {
      this.#header.push(line);
      if (this.#header.length > MAX_HEADER_LINES) this.#fail('protocol', `sent more than ${MAX_HEADER_LINES} header lines`);
      return;
    }
    try {
      this.#env = parseEnv(this.#header);
    } catch (err) {
      return this.#fail('protocol', (err as Error).message);
    }
    this.#header = [];
    clearTimeout(this.#timer);
    this.#timer = undefined;
    void this.#runHandler();
  }

  #onLine(line: string): void {
    let event;
    try {
      event = this.#reader.push(line);
    } catch (err) {
      return this.#fail('protocol', (err as Error).message);
    }
    if (event.type === 'hangup') return this.#markHungUp('hangup');
    if (event.type === 'more') return;
    const pending = this.#pending;
    if (!pending) return this.#fail('protocol', `sent an answer no command asked for: ${JSON.stringify(line.slice(0, 80))}`);
    this.#pending = null;
    clearTimeout(pending.timer);
    pending.resolve(event.response);
  }

  async #runHandler(): Promise<void> {
    try {
      await this.deps.handler(this);
    } catch (err) {
      if (!this.#abort.signal.aborted) {
        this.deps.stats.handlerErrors++;
        this.deps.logger.error({ err, connection: this.id, uniqueId: this.#env?.uniqueId }, 'AGI handler failed; closing the session (the dialplan continues)');
      }
    } finally {
      this.#end();
    }
  }

  /** Close politely (FIN): Asterisk reads EOF and goes on with the dialplan. A peer that keeps the socket open is cut off after the idle timeout. */
  #end(): void {
    if (this.socket.destroyed) return;
    this.socket.end();
    this.#timer = setTimeout(() => this.socket.destroy(), this.deps.idleTimeoutMs);
    this.#timer.unref();
  }

  #fail(kind: 'timeout' | 'protocol', why: string): void {
    if (this.socket.destroyed) return;
    if (kind === 'timeout') this.deps.stats.timedOut++;
    else this.deps.stats.protocolErrors++;
    this.deps.logger.warn({ connection: this.id, uniqueId: this.#env?.uniqueId, remote: this.socket.remoteAddress }, `AGI peer ${why}; closing the connection`);
    const code = kind === 'timeout' ? 'DIALBOOK_ASTERISK_AGI_TIMEOUT' : 'DIALBOOK_ASTERISK_AGI_PROTOCOL';
    this.#rejectPending(new AsteriskError(code, `AGI peer ${why}`));
    this.socket.destroy();
  }

  #markHungUp(reason: HangupReason): void {
    if (this.#hungUp) return;
    this.#hungUp = reason;
    this.#hangupResolve(reason);
  }

  #rejectPending(err: unknown): void {
    const pending = this.#pending;
    this.#pending = null;
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.reject(err);
  }

  #onClose(): void {
    clearTimeout(this.#timer);
    this.#markHungUp('closed');
    this.#rejectPending(closedError('the pending command'));
    this.#abort.abort(new AsteriskError('DIALBOOK_ASTERISK_AGI_CLOSED', 'AGI connection closed'));
  }
}

const closedError = (what: string) => new AsteriskError('DIALBOOK_ASTERISK_AGI_CLOSED', `AGI connection closed before ${JSON.stringify(what.slice(0, 60))} was answered`);

const refused = (r: AgiResponse, what: string) => new AsteriskError('DIALBOOK_ASTERISK_AGI_COMMAND', `Asterisk answered ${what} with "${r.line}"`, { details: { code: r.code } });
