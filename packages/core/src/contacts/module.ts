import { CoreTokens, defineModule, pick, provide, token } from '../module.js';
import { JobsToken } from '../jobs/module.js';
import { NotificationsToken } from '../notifications/module.js';
import type { ContactSource } from './contracts.js';
import { ContactEntity, ContactPhoneEntity, HistoryEntity, PhonebookMemberEntity } from './entities.js';
import './events.js';
import { migrations } from './migrations.js';
import { contactRoutes } from './routes.js';
import { ContactService } from './service.js';
import { sourceRoutes } from './source-routes.js';
import { ContactSources } from './sources.js';
import { SitesToken } from '../sites/module.js';

export const ContactsToken = token<ContactService>('contacts');
export const ContactSourcesToken = token<ContactSources>('contacts.sources');

const PLUGIN_METHODS = ['create', 'get', 'update', 'softDelete', 'restore', 'list', 'scan', 'lookup', 'history', 'upsertFromSource', 'upsertManyFromSource', 'createMany'] as const;

/** The façade plugins get as `ctx.contacts`: the contact calls, and `registerSource` for a contact source (LDAP, CSV, …). */
export type ContactsApi = Pick<ContactService, (typeof PLUGIN_METHODS)[number]> & {
  registerSource(source: ContactSource): void;
};

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly contacts: ContactsApi;
  }
}

/** Contacts: names, numbers, History, search and number lookup; the sources that sync them. */
export const contactsModule = defineModule({
  name: 'contacts',
  entities: [ContactEntity, ContactPhoneEntity, PhonebookMemberEntity, HistoryEntity],
  migrations,
  register: (c) => {
    provide(c, ContactsToken, (r) => {
      const config = r.resolve(CoreTokens.Config);
      const hooks = r.resolve(CoreTokens.Hooks);
      const contacts = new ContactService(r.resolve(CoreTokens.Orm), hooks, r.resolve(NotificationsToken), { defaultCountry: config.defaultCountry ?? null });
      // A site with contacts is not deleted.
      hooks.filter('site.beforeDelete', async (v) => {
        const n = await contacts.countInSite(v.site.id);
        return n ? { ...v, holds: [...v.holds, `${n} contact(s)`] } : v;
      }, { owner: 'core' });
      return contacts;
    });
    provide(c, ContactSourcesToken, (r) => new ContactSources(r.resolve(JobsToken)));
  },
  policies: [
    ['GET', '/contacts', 'user'],
    ['POST', '/contacts', 'user'],
    ['GET', '/contacts/lookup', 'user'],
    ['GET', '/contacts/facets', 'user'],
    ['GET', '/contacts/:id', 'user'],
    ['PATCH', '/contacts/:id', 'user'],
    ['DELETE', '/contacts/:id', 'user'],
    ['POST', '/contacts/:id/restore', 'user'],
    ['DELETE', '/contacts/:id/permanent', 'user'],
    ['GET', '/contacts/:id/history', 'user'],
    ['GET', '/sources', 'staff'],
    ['POST', '/sources/:id/sync', 'staff'],
  ],
  routes: (c) => [contactRoutes(c.resolve(ContactsToken)), sourceRoutes(c.resolve(ContactSourcesToken), c.resolve(SitesToken))],
  facade: (c, plugin): { contacts: ContactsApi } => {
    const sources = c.resolve(ContactSourcesToken).registry;
    return { contacts: { ...pick(c.resolve(ContactsToken), PLUGIN_METHODS), registerSource: (source) => void sources.register(source, plugin.id) } };
  },
});
