import { systemActor } from './domain/actor.js';
import type { Dialbook } from './dialbook.js';

/**
 * On an empty database, create a `main` site, an "Everyone" phonebook (saved
 * filter `{}`: the whole site) and a handful of contacts, so a first start has
 * something to look at. Does nothing once any site exists.
 */
export async function seedDemo(d: Dialbook): Promise<void> {
  if ((await d.sites.list()).length) return;
  const site = await d.sites.create({ name: 'Main office', slug: 'main', defaultCountry: d.config.defaultCountry ?? 'DE' });
  await d.phonebooks.create({ siteId: site.id, name: 'Everyone', slug: 'everyone', description: 'Every active contact of the site', filter: {} });
  await d.phonebooks.create({ siteId: site.id, name: 'Sales', slug: 'sales', filter: { department: 'Sales' } });
  const people = [
    { firstName: 'Anna', lastName: 'Müller', department: 'Sales', title: 'Head of Sales', phones: [{ type: 'work' as const, number: '030 1234567' }, { type: 'mobile' as const, number: '0171 2345678' }], emails: ['anna.mueller@example.com'] },
    { firstName: 'José', lastName: 'García', department: 'Support', phones: [{ type: 'work' as const, number: '+49 30 1234568' }], emails: ['jose.garcia@example.com'] },
    { firstName: 'Zoë', lastName: "O'Brien", department: 'Sales', phones: [{ type: 'work' as const, number: '030 1234569' }], tags: ['key-account'] },
    { organization: 'Reception', department: 'Facilities', phones: [{ type: 'work' as const, number: '100' }] },
  ];
  await d.contacts.createMany(people.map((p) => ({ siteId: site.id, ...p })), systemActor);
  d.logger.info({ site: site.slug }, 'empty database: created the demo site "main" with phonebooks "everyone" and "sales"');
}
