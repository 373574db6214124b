import { AsyncResource } from 'node:async_hooks';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import type { SecretBox } from '../base/secret-box.js';
import { MailOutboxEntity } from './entities.js';
import { openMail, SENT_SEALED_TEXT } from './sealed.js';
import type { EmailSettings } from './settings.js';
import { describeSendError, fromOf, isConnectionFailure, smtpTransport, type Transport } from './transport.js';

/** Templates whose body carries a sign-up or reset link (stored elsewhere only as a hash). */
const ONE_TIME_LINK_TEMPLATES = new Set(['signup', 'password_reset']);

export interface MailWorkerOptions {
  /** How often due mails are looked for (default 1000 ms). */
  pollIntervalMs: number;
  /** First retry after this long, doubling per attempt (default 5000 ms)… */
  retryBaseMs: number;
  /** …up to this (default 15 minutes). Retries never stop: no mail is dropped. */
  retryMaxMs: number;
}

export interface FlushResult {
  sent: number;
  failed: number;
}

/** How long a claimed row stays with the instance that claimed it. */
const LEASE_MS = 2 * 60_000;
const BATCH = 20;

/**
 * Sends what the outbox holds. Each due row is claimed with one conditional UPDATE
 * (`status = 'pending'` and no live lease, or a `sending` row whose lease ran out), so
 * several instances can poll the same table; a failure stores the error, counts the
 * attempt and schedules the next one with exponential backoff, forever.
 */
export class MailWorker {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private poked = false;
  private started = false;
  /** Runs polls outside whichever request poked the worker (no request-scoped state leaks in). */
  private readonly detached = new AsyncResource('dialbook.mail');

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
    private readonly settings: () => Promise<EmailSettings>,
    /** Opens the mails holding a secret (the settings' secret box). */
    private readonly box: SecretBox,
    private readonly options: MailWorkerOptions,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => this.poke(), this.options.pollIntervalMs);
    this.timer.unref();
    this.poke();
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.chain.catch(() => undefined);
  }

  /** Look for due mails soon (after an enqueue). Polls never overlap; pokes during one coalesce. */
  poke(): void {
    if (!this.started || this.poked) return;
    this.poked = true;
    this.detached.runInAsyncScope(() =>
      setImmediate(() => {
        this.poked = false;
        if (this.started) this.flush().catch((err: unknown) => this.logger.error({ err }, 'mail outbox poll failed'));
      }),
    );
  }

  /** Send every due mail now (after any poll under way). `now` lets tests move the clock. */
  flush(options: { now?: Date } = {}): Promise<FlushResult> {
    const run = this.chain.catch(() => undefined).then(() => this.runOnce(options.now ?? new Date()));
    this.chain = run;
    return run;
  }

  backoffMs(attempts: number): number {
    return Math.min(this.options.retryBaseMs * 2 ** Math.max(0, attempts - 1), this.options.retryMaxMs);
  }

  private async runOnce(now: Date): Promise<FlushResult> {
    const result: FlushResult = { sent: 0, failed: 0 };
    const em = this.orm.em.fork();
    const due = {
      $or: [
        { status: 'pending', nextAttemptAt: { $lte: now }, $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }] },
        { status: 'sending', lockedUntil: { $lt: now } },
      ],
    };
    let settings: EmailSettings | undefined;
    let transport: Transport | undefined;
    try {
      for (;;) {
        const batch = await em.find(MailOutboxEntity, due, { orderBy: { nextAttemptAt: 'asc', createdAt: 'asc' }, limit: BATCH, fields: ['id'] });
        for (const { id } of batch) {
          const claimed = await em.nativeUpdate(MailOutboxEntity, { id, ...due }, { status: 'sending', lockedUntil: new Date(now.getTime() + LEASE_MS) });
          if (!claimed) continue; // another instance has it
          const row = await em.fork().findOneOrFail(MailOutboxEntity, { id });
          const attempt = row.attempts + 1;
          try {
            settings ??= await this.settings();
            transport ??= smtpTransport(settings);
            // A mail holding a secret is opened only here, just before it goes out.
            const content = row.sealed ? openMail(this.box, row.id, row.sealed) : { subject: row.subject, text: row.text };
            await transport.sendMail({ from: fromOf(settings), to: row.to, subject: content.subject, text: content.text, ...(row.html ? { html: row.html } : {}) });
            // A sent sign-up or reset mail holds a live one-time link, a sealed one a secret: keep no copy of either.
            const wipe = row.sealed
              ? { text: SENT_SEALED_TEXT, html: null, sealed: null }
              : row.template && ONE_TIME_LINK_TEMPLATES.has(row.template)
                ? { text: '[removed after sending: it held a one-time link]', html: null }
                : {};
            await em.nativeUpdate(MailOutboxEntity, { id }, { status: 'sent', attempts: attempt, sentAt: new Date(), lockedUntil: null, lastError: null, ...wipe });
            this.logger.info({ mail: id, to: row.to, template: row.template, attempt }, `mail "${row.subject}" sent to ${row.to}`);
            result.sent++;
          } catch (err) {
            const error = describeSendError(err, settings);
            const retryAt = new Date(now.getTime() + this.backoffMs(attempt));
            await em.nativeUpdate(MailOutboxEntity, { id }, { status: 'pending', attempts: attempt, nextAttemptAt: retryAt, lastError: error, lockedUntil: null });
            this.logger.warn({ mail: id, to: row.to, template: row.template, attempt, retryAt: retryAt.toISOString(), error }, `mail to ${row.to} not sent (attempt ${attempt}); retrying at ${retryAt.toISOString()}`);
            result.failed++;
            // The server is down or mail is not configured: the other mails wait for the next poll.
            // (A mail that cannot be opened — the secret key changed — fails alone.)
            if (isConnectionFailure(err) && !String((err as { code?: unknown }).code).startsWith('DIALBOOK_SECRET')) return result;
          }
        }
        if (batch.length < BATCH) return result;
      }
    } finally {
      transport?.close();
    }
  }
}
