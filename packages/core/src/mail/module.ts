import { CoreTokens, defineModule, provide, token } from '../module.js';
import { linkBase } from '../config/load.js';
import { SettingsToken } from '../settings/module.js';
import type { PluginMailTemplate } from './catalogue.js';
import { MailOutboxEntity } from './entities.js';
import { migrations } from './migrations.js';
import { mailRoutes } from './routes.js';
import { MailService, type RecipientsProvider } from './service.js';
import type { MailValue } from './templates.js';

export const MailToken = token<MailService>('mail');
/** Who is told about a new site or phonebook: provided by the area that knows the people (accounts). */
export const MailRecipientsToken = token<RecipientsProvider>('mail.recipients');

/**
 * Mail as a plugin sees it: its own templates (registered in `setup`, editable and previewable in
 * the admin app like core's), and mails from them queued through the outbox.
 */
export interface MailApi {
  /** Add a template `<instance id>.<name>`; refused after `setup` (`DIALBOOK_PLUGIN_REGISTRY_FROZEN`) or when it is malformed (`DIALBOOK_MAIL_TEMPLATE_INVALID`). */
  registerTemplate(template: PluginMailTemplate): void;
  /**
   * Queue a mail from one of this plugin's templates (`pin-mail` or `<instance id>.pin-mail`). `data`
   * may set only the template's placeholders (422 `DIALBOOK_MAIL_PLACEHOLDER` naming `data.<key>`).
   * When it sets a `secret` one, subject and body are stored encrypted until sent (409
   * `DIALBOOK_SECRET_KEY_MISSING` without `DIALBOOK_SECRET_KEY`). An SMTP outage only delays it.
   */
  send(mail: { to: string; template: string; data?: Readonly<Record<string, MailValue>> }): Promise<{ id: string }>;
}

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly mail: MailApi;
  }
}

/** Mail: templates (core's and the plugins'), an outbox worked in the background with retries, the site and phonebook notices. */
export const mailModule = defineModule({
  name: 'mail',
  entities: [MailOutboxEntity],
  migrations,
  register: (c) =>
    provide(c, MailToken, (r) => {
      const config = r.resolve(CoreTokens.Config);
      const recipients = r.isRegistered(MailRecipientsToken, true) ? r.resolve(MailRecipientsToken) : undefined;
      return new MailService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks), r.resolve(SettingsToken), r.resolve(CoreTokens.Logger).child({ area: 'mail' }), {
        ...config.mail,
        publicUrl: linkBase(config.server),
        ...(recipients ? { recipients } : {}),
      });
    }),
  policies: [
    ['GET', '/mail/outbox', 'admin'],
    ['GET', '/mail/templates', 'admin'],
    ['POST', '/mail/templates/:id/preview', 'admin'],
    ['POST', '/mail/test', 'admin'],
  ],
  routes: (c) => mailRoutes(c.resolve(MailToken)),
  facade: (c, plugin): { mail: MailApi } => {
    const mail = c.resolve(MailToken);
    return { mail: { registerTemplate: (template) => mail.registerTemplate(template, plugin.id), send: (input) => mail.send(plugin.id, input) } };
  },
  start: (c) => c.resolve(MailToken).start(),
  stop: (c) => c.resolve(MailToken).stop(),
});
