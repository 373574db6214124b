import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { AuditEventEntity } from '../audit/entities.js';
import type { DirectoryServed } from './types.js';

export interface AuditBufferOptions {
  /** Write at the latest this long after the first queued row (ms). */
  intervalMs?: number;
  /** Write as soon as this many rows are queued. */
  maxRows?: number;
  /** Rows kept while the database is unreachable; beyond this the oldest are dropped (and logged). */
  maxQueued?: number;
}

/**
 * Directory fetches go to the audit log in batches: a phone's fetch never waits for an
 * insert. Rows are queued and written in one multi-row insert every `intervalMs`
 * (default 1 s) or every `maxRows` (default 500), and on `stop()`. A failed write is logged
 * and retried with the next batch.
 */
export class DirectoryAuditBuffer {
  private queue: DirectoryServed[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly maxRows: number;
  private readonly maxQueued: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    options: AuditBufferOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.maxRows = options.maxRows ?? 500;
    this.maxQueued = options.maxQueued ?? 100_000;
  }

  /** Queue one fetch; returns at once. */
  push(event: DirectoryServed): void {
    this.queue.push(event);
    if (this.queue.length > this.maxQueued) {
      const dropped = this.queue.splice(0, this.queue.length - this.maxQueued);
      this.logger.warn({ dropped: dropped.length }, 'directory audit queue full (database unreachable?); oldest fetch records dropped');
    }
    if (this.queue.length >= this.maxRows) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.intervalMs).unref();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Write everything queued now (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing;
    if (!this.queue.length) return;
    const batch = this.queue.splice(0, this.queue.length);
    this.writing = this.write(batch).finally(() => (this.writing = null));
    await this.writing;
  }

  private async write(batch: DirectoryServed[]): Promise<void> {
    try {
      for (let i = 0; i < batch.length; i += this.maxRows) {
        const rows = batch.slice(i, i + this.maxRows).map((e) => ({
          at: new Date(e.at),
          actor: e.credentialId ? `phone:${e.credentialId}` : 'phone:unknown',
          actorName: e.device ? [e.device.model, e.device.mac].filter(Boolean).join(' ') : null,
          action: 'directory.served',
          method: 'GET',
          path: `/directory/${e.phonebookId}/${e.vendor}${e.variant ? `/${e.variant}` : ''}${e.kind === 'lookup' ? '/lookup' : ''}`,
          status: e.status,
          siteId: e.siteId,
          targetId: e.phonebookId,
          ip: e.ip?.slice(0, 64) ?? null,
          detail: { vendor: e.vendor, variant: e.variant, kind: e.kind, bytes: e.bytes, userAgent: e.userAgent?.slice(0, 500) ?? null, device: e.device, via: e.via },
        }));
        await this.orm.em.fork().insertMany(AuditEventEntity, rows);
      }
    } catch (err) {
      this.logger.error({ err, rows: batch.length }, 'could not write directory audit rows; retrying with the next batch');
      this.queue = batch.concat(this.queue); // not unshift(...batch): a long outage queues more rows than a call takes arguments
      this.timer ??= setTimeout(() => void this.flush(), this.intervalMs * 5).unref();
    }
  }

  async stop(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
