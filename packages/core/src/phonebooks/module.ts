import { CoreTokens, defineModule, pick, provide, token } from '../module.js';
import { PhonebookEntity } from './entities.js';
import './events.js';
import { phonebookRoutes } from './routes.js';
import { PhonebookService } from './service.js';

export const PhonebooksToken = token<PhonebookService>('phonebooks');

export type PhonebooksApi = Pick<PhonebookService, 'list' | 'get' | 'members' | 'create' | 'addMembers'>;

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly phonebooks: PhonebooksApi;
  }
}

/** Phonebooks: a site's named selections of contacts (explicit members and a saved filter). */
export const phonebooksModule = defineModule({
  name: 'phonebooks',
  entities: [PhonebookEntity],
  register: (c) =>
    provide(c, PhonebooksToken, (r) => {
      const hooks = r.resolve(CoreTokens.Hooks);
      const phonebooks = new PhonebookService(r.resolve(CoreTokens.Orm), hooks);
      // A site with phonebooks is not deleted.
      hooks.filter('site.beforeDelete', async (v) => {
        const n = await phonebooks.countInSite(v.site.id);
        return n ? { ...v, holds: [...v.holds, `${n} phonebook(s)`] } : v;
      }, { owner: 'core' });
      return phonebooks;
    }),
  policies: [
    ['GET', '/phonebooks', 'user'],
    ['POST', '/phonebooks', 'user'],
    ['GET', '/phonebooks/:id', 'user'],
    ['PATCH', '/phonebooks/:id', 'user'],
    ['DELETE', '/phonebooks/:id', 'user'],
    ['GET', '/phonebooks/:id/members', 'user'],
    ['POST', '/phonebooks/:id/members', 'user'],
    ['DELETE', '/phonebooks/:id/members/:contactId', 'user'],
  ],
  routes: (c) => phonebookRoutes(c.resolve(PhonebooksToken)),
  facade: (c): { phonebooks: PhonebooksApi } => ({ phonebooks: pick(c.resolve(PhonebooksToken), ['list', 'get', 'members', 'create', 'addMembers']) }),
});
