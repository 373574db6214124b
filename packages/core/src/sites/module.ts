import { CoreTokens, defineModule, pick, provide, token } from '../module.js';
import { SiteEntity } from './entities.js';
import './events.js';
import { migrations } from './migrations.js';
import { siteRoutes } from './routes.js';
import { SiteService } from './service.js';

export const SitesToken = token<SiteService>('sites');

/** The façade plugins get as `ctx.sites`. */
export type SitesApi = Pick<SiteService, 'list' | 'get' | 'findBySlug' | 'create'>;

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly sites: SitesApi;
  }
}

/** Sites: the tenants (an organisation or location) that phonebooks and contacts belong to. */
export const sitesModule = defineModule({
  name: 'sites',
  entities: [SiteEntity],
  migrations,
  register: (c) => provide(c, SitesToken, (r) => new SiteService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks))),
  policies: [
    ['GET', '/sites', 'user'],
    ['GET', '/sites/:id', 'user'],
    ['POST', '/sites', 'staff'],
    ['PATCH', '/sites/:id', 'staff'],
    ['DELETE', '/sites/:id', 'staff'],
  ],
  routes: (c) => siteRoutes(c.resolve(SitesToken)),
  facade: (c): { sites: SitesApi } => ({ sites: pick(c.resolve(SitesToken), ['list', 'get', 'findBySlug', 'create']) }),
});
