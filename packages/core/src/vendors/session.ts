import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { CredentialDto } from '../credentials/types.js';
import { encodeFrame, type ConfigField, type CoreFrame, type Outgoing, type ServiceFrame } from './protocol.js';

/** What a service said about itself in its `register` frame, once core accepted it. */
export interface SessionInfo {
  service: string;
  vendor: string;
  version: string;
  instanceId: string;
  config: ConfigField[];
  /** The key it registered with. */
  credential: CredentialDto;
  /** A key bound to one phonebook limits the session to it. */
  phonebookId: string | null;
}

/** One websocket connection from a vendor service, on core's side. */
export class ServiceSession {
  readonly id = randomUUID();
  readonly connectedAt = new Date();
  info: SessionInfo | null = null;
  lastSeen = Date.now();
  private seq = 0;
  private readonly pending = new Map<string, { resolve: (f: ServiceFrame | null) => void; timer: NodeJS.Timeout }>();

  constructor(
    readonly ws: WebSocket,
    readonly remoteAddress: string | null,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  nextId(): string {
    return `c${++this.seq}`;
  }

  send(frame: Outgoing<CoreFrame>): void {
    if (this.open) this.ws.send(encodeFrame(frame));
  }

  /** Send a frame with an `id` and wait for the service's frame naming it in `re` (null on timeout or close). */
  request(frame: Outgoing<CoreFrame> & { id: string }, timeoutMs: number): Promise<ServiceFrame | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(frame.id);
        resolve(null);
      }, timeoutMs);
      timer.unref();
      this.pending.set(frame.id, { resolve, timer });
      this.send(frame);
    });
  }

  /** Deliver an answer to whoever waits for it; false when nobody does. */
  answer(frame: ServiceFrame): boolean {
    const re = 're' in frame ? frame.re : undefined;
    const waiting = re ? this.pending.get(re) : undefined;
    if (!waiting) return false;
    clearTimeout(waiting.timer);
    this.pending.delete(re!);
    waiting.resolve(frame);
    return true;
  }

  /** Called once the socket is gone: every waiting request gets null. */
  dispose(): void {
    for (const [id, w] of this.pending) {
      clearTimeout(w.timer);
      w.resolve(null);
      this.pending.delete(id);
    }
  }
}
