import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { z } from 'zod';
import { MailOutboxEntity } from './entities.js';
import { SiteEntity } from '../sites/entities.js';
import { DialbookError, invalid, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import type { SettingsService } from '../settings/service.js';
import { getPath } from '../settings/paths.js';
import { MailTemplates, type PluginMailTemplate, type TemplateInfo } from './catalogue.js';
import { outboxPage, type MailStatus, type OutboxItem } from './outbox.js';
import { sealMail, secretsIn } from './sealed.js';
import { emailCategory, type EmailSettings } from './settings.js';
import { renderTemplate, unknownPlaceholders, type MailTemplate, type MailValue, type TemplateData, type TemplateId } from './templates.js';
import { describeSendError, fromOf, smtpTransport } from './transport.js';
import { MailWorker, type FlushResult, type MailWorkerOptions } from './worker.js';

export type { MailStatus, OutboxItem } from './outbox.js';

export interface MailRecipient {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
}

/** Who hears about a new site or phonebook. The accounts module supplies the real one. */
export type RecipientsProvider = (siteId: string) => Promise<MailRecipient[]>;

/** A templated mail (a core template or a plugin's, checked when queued) or a ready one. */
export type MailInput = { to: string; template: TemplateId | (string & {}); data?: TemplateData | Readonly<Record<string, MailValue>> } | { to: string; subject: string; text: string };

/** A template as `GET /mail/templates` lists it: what the catalogue says, and its text as saved. */
export interface TemplateView extends Omit<TemplateInfo, 'path'> {
  subject: string;
  body: string;
  /** Whether the saved text differs from the default. */
  edited: boolean;
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
  /** Core's templates and those plugins register in `setup`. */
  readonly catalogue = new MailTemplates();

  constructor(
    private readonly orm: MikroORM,
    hooks: HookBus,
    private readonly settings: SettingsService,
    private readonly logger: Logger,
    private readonly options: MailOptions,
  ) {
    settings.register(emailCategory());
    if (options.recipients) this.recipients = options.recipients;
    this.worker = new MailWorker(orm, logger, () => this.emailSettings(), settings.secretBox, options);
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

  /** Add a plugin's template (`ctx.mail.registerTemplate`); refused after start-up. */
  registerTemplate(template: PluginMailTemplate, owner: string): void {
    this.catalogue.register(template, owner);
  }

  /**
   * Once every plugin is set up: freeze the templates and give the `email` settings a key for each
   * plugin template (`templates.<instance>.<name>`), checked against that template's placeholders.
   */
  sealTemplates(): void {
    this.catalogue.freeze();
    if (this.catalogue.pluginTemplates().length) this.settings.redefine(emailCategory(this.catalogue.pluginTemplates()));
  }

  /** Every template (core's, then the plugins'), with its placeholders and its text as saved. */
  async listTemplates(): Promise<TemplateView[]> {
    const saved = await this.savedTemplates();
    return this.catalogue.list().map((t) => {
      const text = textAt(saved, t.path) ?? t.defaults;
      const edited = text.subject !== t.defaults.subject || text.body !== t.defaults.body;
      return { id: t.id, label: t.label, description: t.description, owner: t.owner, placeholders: t.placeholders, secret: t.secret, defaults: t.defaults, subject: text.subject, body: text.body, edited };
    });
  }

  /** Render a template (or unsaved edits of it) with its sample data, never with real data. */
  async preview(id: string, override: Partial<MailTemplate> = {}): Promise<{ subject: string; text: string }> {
    const info = this.catalogue.get(id);
    if (!info) throw notFound('mail template', id);
    for (const field of ['subject', 'body'] as const) {
      const unknown = override[field] === undefined ? [] : unknownPlaceholders(override[field], info.placeholders);
      if (unknown.length) throw invalid('DIALBOOK_MAIL_PLACEHOLDER', `unknown placeholder {${unknown[0]}} (known: ${Object.keys(info.placeholders).join(', ')})`, field);
    }
    const saved = textAt(await this.savedTemplates(), info.path) ?? info.defaults;
    return renderTemplate({ ...saved, ...override }, this.catalogue.sample(id, this.options.publicUrl), info.placeholders);
  }

  /**
   * Queue a mail (rendered now) and wake the worker. A template's data may set only its placeholders;
   * a mail whose data sets a secret one is stored encrypted until sent (409 without `DIALBOOK_SECRET_KEY`).
   */
  async enqueue(input: MailInput): Promise<{ id: string }> {
    if (!Email.safeParse(input.to).success) throw invalid('DIALBOOK_MAIL_ADDRESS', `"${input.to}" is not an e-mail address`, 'to');
    const id = randomUUID();
    let mail: { subject: string; text: string; sensitive: boolean; sealed: string | null };
    let template: string | null = null;
    if ('template' in input) {
      const info = this.catalogue.get(String(input.template));
      if (!info) throw invalid('DIALBOOK_MAIL_TEMPLATE', `no mail template "${String(input.template)}" (known: ${this.catalogue.list().map((t) => t.id).join(', ')})`, 'template');
      const given = (input.data ?? {}) as Readonly<Record<string, MailValue>>;
      const stray = info.owner === 'core' ? undefined : Object.keys(given).find((k) => !Object.hasOwn(info.placeholders, k));
      if (stray) throw invalid('DIALBOOK_MAIL_PLACEHOLDER', `mail template "${info.id}" has no placeholder {${stray}} (known: ${Object.keys(info.placeholders).join(', ')})`, `data.${stray}`);
      const data = { ...this.catalogue.defaults(info, input.to, this.options.publicUrl), ...given };
      const text = textAt(await this.savedTemplates(), info.path) ?? info.defaults;
      const secrets = secretsIn(info, data);
      mail = secrets.length ? { ...sealMail(this.settings.secretBox, id, info, text, data, secrets), sensitive: true } : { ...renderTemplate(text, data, info.placeholders), sensitive: false, sealed: null };
      template = info.id;
    } else {
      mail = { subject: input.subject.replace(/[\r\n]+/g, ' ').slice(0, 400), text: input.text, sensitive: false, sealed: null };
    }
    const em = this.orm.em.fork();
    const now = new Date();
    em.create(MailOutboxEntity, { id, to: input.to, ...mail, html: null, template, status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, lockedUntil: null, createdAt: now, sentAt: null });
    await em.flush();
    this.logger.info({ mail: id, to: input.to, template, sensitive: mail.sensitive }, `mail to ${input.to} queued`);
    this.worker.poke();
    return { id };
  }

  /** `ctx.mail.send` of plugin `owner`: one of its own templates (`pin-mail` or `<owner>.pin-mail`), through the outbox. */
  send(owner: string, input: { to: string; template: string; data?: Readonly<Record<string, MailValue>> }): Promise<{ id: string }> {
    const template = input.template.startsWith(`${owner}.`) ? input.template : `${owner}.${input.template}`;
    return this.enqueue({ to: input.to, template, ...(input.data ? { data: input.data } : {}) });
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

  /** Queued and sent mails, newest first, without bodies; a mail holding a secret says so (`sensitive`) and its subject shows the secret masked. */
  outbox(query: { status?: MailStatus | undefined; page?: number; pageSize?: number } = {}): Promise<{ items: OutboxItem[]; total: number; page: number; pageSize: number }> {
    return outboxPage(this.orm, query);
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

  /** The `email` settings holding the saved templates. Templates need no secrets: rendering works even while DIALBOOK_SECRET_KEY is missing. */
  private async savedTemplates(): Promise<EmailSettings | null> {
    try {
      return await this.settings.get<EmailSettings>('email', null, { secrets: false });
    } catch (err) {
      this.logger.warn({ code: (err as DialbookError).code }, `using the default mail templates: ${(err as Error).message}`);
      return null;
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

/** A template's saved text, at its key path in the `email` settings. */
function textAt(settings: EmailSettings | null, path: readonly string[]): MailTemplate | undefined {
  const t = getPath(settings, path) as Partial<MailTemplate> | undefined;
  return typeof t?.subject === 'string' && typeof t.body === 'string' ? { subject: t.subject, body: t.body } : undefined;
}
