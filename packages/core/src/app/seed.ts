import type { Logger } from 'pino';
import type { PhonebookService } from '../phonebooks/service.js';
import { seedRoutingDemo, type RoutingDemoDeps } from '../routing/demo.js';
import type { SiteService } from '../sites/service.js';

/**
 * On an empty database, create a `main` site with an "Everyone" phonebook (saved
 * filter `{}`: the whole site) and a "Sales" phonebook (department Sales), so a
 * first start has somewhere to put contacts (the example CSV plugin fills it).
 * With `routing`, also the routing demo (`routing/demo.ts`): a seller, two clients, a campaign per
 * strategy with DIDs and links. Does nothing once any site exists.
 */
export async function seedDemo(d: { sites: SiteService; phonebooks: PhonebookService; logger: Logger; defaultCountry: string | undefined; routing?: Omit<RoutingDemoDeps, 'logger'> }): Promise<void> {
  if ((await d.sites.list()).length) return;
  const site = await d.sites.create({ name: 'Main office', slug: 'main', defaultCountry: d.defaultCountry ?? 'DE' });
  await d.phonebooks.create({ siteId: site.id, name: 'Everyone', slug: 'everyone', description: 'Every active contact of the site', filter: {} });
  await d.phonebooks.create({ siteId: site.id, name: 'Sales', slug: 'sales', filter: { department: 'Sales' } });
  d.logger.info({ site: site.slug }, 'empty database: created the demo site "main" with phonebooks "everyone" and "sales"');
  if (d.routing) await seedRoutingDemo({ ...d.routing, logger: d.logger }, site.id);
}
