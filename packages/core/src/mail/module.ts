import { CoreTokens, defineModule, provide, token } from '../module.js';
import { linkBase } from '../config/load.js';
import { SettingsToken } from '../settings/module.js';
import { MailOutboxEntity } from './entities.js';
import { mailRoutes } from './routes.js';
import { MailService, type RecipientsProvider } from './service.js';

export const MailToken = token<MailService>('mail');
/** Who is told about a new site or phonebook: provided by the area that knows the people (accounts). */
export const MailRecipientsToken = token<RecipientsProvider>('mail.recipients');

/** Mail: templates, an outbox worked in the background with retries, the site and phonebook notices. */
export const mailModule = defineModule({
  name: 'mail',
  entities: [MailOutboxEntity],
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
    ['POST', '/mail/templates/:id/preview', 'admin'],
    ['POST', '/mail/test', 'admin'],
  ],
  routes: (c) => mailRoutes(c.resolve(MailToken)),
  start: (c) => c.resolve(MailToken).start(),
  stop: (c) => c.resolve(MailToken).stop(),
});
