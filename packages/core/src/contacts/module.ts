import { CoreTokens, defineModule, pick, provide, token } from '../module.js';
import { JobsToken } from '../jobs/module.js';
import { NotificationsToken } from '../notifications/module.js';
import type { ContactSource } from './contracts.js';
import type { AttributeImport } from './attribute-import.js';
import type { ContactEnricher } from './enrichers.js';
import { ContactEnrichmentEntity, ContactEntity, ContactPhoneEntity, ContactSecretEntity, HistoryEntity, PhonebookMemberEntity } from './entities.js';
import './events.js';
import { migrations } from './migrations.js';
import { contactRoutes } from './routes.js';
import { importRoutes } from './import-routes.js';
import { secretRoutes } from './secret-routes.js';
import type { SecretAttribute } from './secrets.js';
import { ContactService } from './service.js';
import { sourceRoutes } from './source-routes.js';
import { ContactSources } from './sources.js';
import { SitesToken } from '../sites/module.js';

export const ContactsToken = token<ContactService>('contacts');
export const ContactSourcesToken = token<ContactSources>('contacts.sources');

const PLUGIN_METHODS = ['create', 'get', 'update', 'softDelete', 'restore', 'list', 'scan', 'lookup', 'history', 'upsertFromSource', 'upsertManyFromSource', 'createMany', 'getSecret', 'setSecret', 'enrich', 'recordHistory'] as const;

/**
 * The façade plugins get as `ctx.contacts`: the contact calls; `registerSource` for a contact
 * source (LDAP, CSV, …), `registerEnricher` for a system that adds to the contacts sources wrote
 * (CUCM), `registerSecretAttribute` for a person's secret kept with their contact (`cucm.pin`).
 */
export type ContactsApi = Pick<ContactService, (typeof PLUGIN_METHODS)[number]> & {
  registerSource(source: ContactSource): void;
  registerEnricher(enricher: ContactEnricher): void;
  registerSecretAttribute(attribute: SecretAttribute): void;
  registerAttributeImport(definition: AttributeImport): void;
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
  entities: [ContactEntity, ContactPhoneEntity, PhonebookMemberEntity, HistoryEntity, ContactSecretEntity, ContactEnrichmentEntity],
  migrations,
  register: (c) => {
    provide(c, ContactsToken, (r) => {
      const config = r.resolve(CoreTokens.Config);
      const hooks = r.resolve(CoreTokens.Hooks);
      const contacts = new ContactService(
        r.resolve(CoreTokens.Orm),
        hooks,
        r.resolve(NotificationsToken),
        { defaultCountry: config.defaultCountry ?? null, secretKey: config.secretKey },
        { jobs: r.resolve(JobsToken), logger: r.resolve(CoreTokens.Logger) },
      );
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
    ['POST', '/contacts/:id/secrets/:key/reveal', 'staff'],
    ['PUT', '/contacts/:id/secrets/:key', 'staff'],
    ['GET', '/enrichers', 'staff'],
    ['GET', '/imports', 'staff'],
    ['POST', '/imports/:id/preview', 'staff'],
    ['POST', '/imports/:id/apply', 'staff'],
    ['GET', '/sources', 'staff'],
    ['POST', '/sources/:id/sync', 'staff'],
  ],
  routes: (c) => [contactRoutes(c.resolve(ContactsToken)), secretRoutes(c.resolve(ContactsToken)), importRoutes(c.resolve(ContactsToken)), sourceRoutes(c.resolve(ContactSourcesToken), c.resolve(SitesToken))],
  registries: (c) => {
    const contacts = c.resolve(ContactsToken);
    return { enrichers: contacts.enrichment.registry, secretAttributes: contacts.secretAttributes.registry, attributeImports: contacts.imports.registry };
  },
  facade: (c, plugin): { contacts: ContactsApi } => {
    const sources = c.resolve(ContactSourcesToken).registry;
    const contacts = c.resolve(ContactsToken);
    return {
      contacts: {
        ...pick(contacts, PLUGIN_METHODS),
        registerSource: (source) => void sources.register(source, plugin.id),
        registerEnricher: (enricher) => void contacts.enrichment.registry.register(enricher, plugin.id),
        registerSecretAttribute: (attribute) => contacts.secretAttributes.register(attribute, plugin.id),
        registerAttributeImport: (definition) => void contacts.imports.registry.register(definition, plugin.id),
      },
    };
  },
  start: (c) => c.resolve(ContactsToken).enrichment.start(),
  stop: (c) => c.resolve(ContactsToken).enrichment.stop(),
});
