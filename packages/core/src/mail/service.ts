import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { z } from 'zod';
import { MailOutboxEntity } from './entities.js';
import { SiteEntity } from '../sites/entities.js';
import { DialbookError, invalid, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import type { SettingsService } from '../settings/service.js';
import { emailCategory, type EmailSettings } from './settings.js';
import { DEFAULT_TEMPLATES, PLACEHOLDERS, renderTemplate, sampleData, TEMPLATE_IDS, unknownPlaceholders, type MailTemplate, type TemplateData, type TemplateId } from './templates.js';
import { describeSendError, fromOf, smtpTransport } from './transport.js';
import { MailWorker, type FlushResult, type MailWorkerOptions } from './worker.js';

export interface MailRecipient {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
}

/** Who hears about a new site or phonebook. The accounts module supplies the real one. */
export type RecipientsProvider = (siteId: string) => Promise<MailRecipient[]>;

/** A templated mail (`template` is one of {@link TEMPLATE_IDS}, checked when queued) or a ready one. */
export type MailInput = { to: string; template: TemplateId | (string & {}); data?: TemplateData } | { to: string; subject: string; text: string };

export type MailStatus = 'pending' | 'sending' | 'sent';

export interface OutboxItem {
  id: string;
  to: string;
  subject: string;
  template: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface MailOptions extends MailWorkerOptions {
  /** Base URL of this Dialbook (config `server.publicUrl`), the `{url}` placeholder and default `{link}`. */
  publicUrl: string;
  /** Who is told about a new site or phonebook (the accounts area knows); default nobody. */
  recipients?: RecipientsProvider;
}

const Email = z.email();

/**
 * Outgoing mail: templates from the `email` settings, an outbox table worked by a
 * background worker (retries forever with backoff), a synchronous test send, and the
 * `site_added` / `phonebook_added` notifications.
 */
export class MailService {
  private readonly worker: MailWorker;
  private recipients: RecipientsProvider = async () => [];

  constructor(
    private readonly orm: MikroORM,
    hooks: HookBus,
    private readonly settings: SettingsService,
    private readonly logger: Logger,
    private readonly options: MailOptions,
  ) {
    settings.register(emailCategory);
    if (options.recipients) this.recipients = options.recipients;
    this.worker = new MailWorker(orm, logger, () => this.emailSettings(), options);
    hooks.on('site.created', ({ site }) => this.notify(site.id, 'site_added', { site: site.name }), { owner: 'core' });
    hooks.on('phonebook.created', async ({ phonebook }) => this.notify(phonebook.siteId, 'phonebook_added', { phonebook: phonebook.name, site: await this.siteName(phonebook.siteId) }), { owner: 'core' });
  }

  /**
   * Set who is told about a new site or phonebook: `(siteId) => [{ email, firstName }]`.
   * The default tells nobody.
   */
  setRecipients(provider: RecipientsProvider): void {
    this.recipients = provider;
  }

  /** The templates as they are in the settings (defaults unless edited), and the placeholders they may use. */
  async templates(): Promise<{ items: ({ id: TemplateId } & MailTemplate)[]; placeholders: Record<string, string> }> {
    const t = await this.savedTemplates();
    return { items: TEMPLATE_IDS.map((id) => ({ id, ...t[id] })), placeholders: { ...PLACEHOLDERS } };
  }

  /** Render a template (or unsaved edits of it) with sample data. */
  async preview(id: string, override: Partial<MailTemplate> = {}): Promise<{ subject: string; text: string }> {
    if (!isTemplateId(id)) throw notFound('mail template', id);
    for (const field of ['subject', 'body'] as const) {
      const unknown = override[field] === undefined ? [] : unknownPlaceholders(override[field]);
      if (unknown.length) throw invalid('DIALBOOK_MAIL_PLACEHOLDER', `unknown placeholder {${unknown[0]}} (known: ${Object.keys(PLACEHOLDERS).join(', ')})`, field);
    }
    const saved = (await this.savedTemplates())[id];
    return renderTemplate({ ...saved, ...override }, sampleData(this.options.publicUrl));
  }

  /** Queue a mail (rendered now) and wake the worker. */
  async enqueue(input: MailInput): Promise<{ id: string }> {
    if (!Email.safeParse(input.to).success) throw invalid('DIALBOOK_MAIL_ADDRESS', `"${input.to}" is not an e-mail address`, 'to');
    let rendered: { subject: string; text: string };
    let template: string | null = null;
    if ('template' in input) {
      if (!isTemplateId(input.template)) throw invalid('DIALBOOK_MAIL_TEMPLATE', `no mail template "${String(input.template)}" (known: ${TEMPLATE_IDS.join(', ')})`, 'template');
      rendered = renderTemplate((await this.savedTemplates())[input.template], { url: this.options.publicUrl, link: this.options.publicUrl, email: input.to, ...input.data });
      template = input.template;
    } else {
      rendered = { subject: input.subject.replace(/[\r\n]+/g, ' ').slice(0, 400), text: input.text };
    }
    const em = this.orm.em.fork();
    const now = new Date();
    const row = em.create(MailOutboxEntity, { id: randomUUID(), to: input.to, ...rendered, html: null, template, status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, lockedUntil: null, createdAt: now, sentAt: null });
    await em.flush();
    this.logger.info({ mail: row.id, to: row.to, template }, `mail to ${row.to} queued`);
    this.worker.poke();
    return { id: row.id };
  }

  /** Send the `test` template to `to` now, bypassing the outbox; a failure is a 502 with the server's answer. */
  async sendTest(to: string): Promise<{ to: string; response: string }> {
    if (!Email.safeParse(to).success) throw invalid('DIALBOOK_MAIL_ADDRESS', `"${to}" is not an e-mail address`, 'to');
    const settings = await this.emailSettings();
    const transport = smtpTransport(settings);
    const { subject, text } = renderTemplate(settings.templates.test, { url: this.options.publicUrl, link: this.options.publicUrl, email: to });
    try {
      const info = await transport.sendMail({ from: fromOf(settings), to, subject, text });
      this.logger.info({ to, template: 'test' }, `test mail sent to ${to}`);
      return { to, response: String(info.response ?? '') };
    } catch (err) {
      const error = describeSendError(err, settings);
      this.logger.warn({ to, template: 'test', error }, `test mail to ${to} failed`);
      throw new DialbookError('DIALBOOK_MAIL_SEND_FAILED', `the SMTP server refused or could not be reached: ${error}`, { status: 502 });
    } finally {
      transport.close();
    }
  }

  async outbox(query: { status?: MailStatus | undefined; page?: number; pageSize?: number } = {}): Promise<{ items: OutboxItem[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const [rows, total] = await this.orm.em.fork().findAndCount(MailOutboxEntity, query.status ? { status: query.status } : {}, {
      orderBy: { createdAt: 'desc', id: 'asc' },
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    const items = rows.map((r) => ({
      id: r.id,
      to: r.to,
      subject: r.subject,
      template: r.template ?? null,
      status: r.status as MailStatus,
      attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt.toISOString(),
      lastError: r.lastError ?? null,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
    }));
    return { items, total, page, pageSize };
  }

  /** Start polling the outbox (Dialbook.start does this). */
  start(): void {
    this.worker.start();
  }

  /** Stop polling and wait for a send under way (Dialbook.stop does this). */
  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Send every due mail now. `now` moves the clock (tests: `flush({ now: inAnHour })` reaches backed-off mails). */
  flush(options: { now?: Date } = {}): Promise<FlushResult> {
    return this.worker.flush(options);
  }

  // ---- internals -------------------------------------------------------------------

  private emailSettings(): Promise<EmailSettings> {
    return this.settings.get<EmailSettings>('email');
  }

  /** Templates need no secrets: rendering works even while DIALBOOK_SECRET_KEY is missing. */
  private async savedTemplates(): Promise<Record<TemplateId, MailTemplate>> {
    try {
      return (await this.settings.get<EmailSettings>('email', null, { secrets: false })).templates;
    } catch (err) {
      this.logger.warn({ code: (err as DialbookError).code }, `using the default mail templates: ${(err as Error).message}`);
      return DEFAULT_TEMPLATES;
    }
  }

  private async notify(siteId: string, template: 'site_added' | 'phonebook_added', data: TemplateData): Promise<void> {
    const people = await this.recipients(siteId);
    for (const p of people) {
      const name = [p.firstName, p.lastName].filter(Boolean).join(' ') || p.email;
      await this.enqueue({ to: p.email, template, data: { ...data, first_name: p.firstName ?? name, last_name: p.lastName ?? null, name } });
    }
  }

  private async siteName(siteId: string): Promise<string> {
    return (await this.orm.em.fork().findOne(SiteEntity, { id: siteId }))?.name ?? siteId;
  }
}

const isTemplateId = (id: unknown): id is TemplateId => TEMPLATE_IDS.includes(id as TemplateId);
