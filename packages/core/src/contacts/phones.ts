import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { ContactPhoneEntity, type Contact, type ContactPhone } from './entities.js';

/** The id of a many-to-one reference, whether it is loaded or a bare key. */
export const refId = (ref: unknown): string => (typeof ref === 'string' ? ref : (ref as { id: string }).id);

/**
 * Numbers of the given contacts, in their stored order, keyed by contact id (500 ids per
 * query). Plain rows, not managed entities: every caller only reads them, and making
 * entities costs more than the query.
 */
export async function loadPhones(em: EntityManager, ids: string[]): Promise<Map<string, ContactPhone[]>> {
  const map = new Map<string, ContactPhone[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await (em as SqlEntityManager)
      .createQueryBuilder(ContactPhoneEntity)
      .select('*')
      .where({ contact: { $in: ids.slice(i, i + 500) } })
      .orderBy({ contact: 'asc', position: 'asc' })
      .execute('all', true)) as unknown as ContactPhone[];
    for (const r of rows) {
      const cid = refId(r.contact);
      const list = map.get(cid);
      if (list) list.push(r);
      else map.set(cid, [r]);
    }
  }
  return map;
}

/**
 * A contact row read without the ORM's hydration (`qb.execute('all', true)`: property names
 * mapped, values as the driver gives them): JSON columns arrive as text on SQLite, dates as
 * epoch milliseconds there and as Date on PostgreSQL. For reads only — it is not managed.
 */
export function plainContact(row: Record<string, unknown>): Contact {
  const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
  const date = (v: unknown) => (v == null ? null : v instanceof Date ? v : new Date(v as number | string));
  return {
    ...row,
    emails: json(row.emails),
    tags: json(row.tags),
    attributes: json(row.attributes),
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
    deletedAt: date(row.deletedAt),
  } as unknown as Contact;
}

/** Run a contact query builder and read its rows as plain contacts (see {@link plainContact}). */
export async function plainContacts(qb: { execute(method: 'all', mapResults: true): Promise<unknown> }): Promise<Contact[]> {
  return ((await qb.execute('all', true)) as Record<string, unknown>[]).map(plainContact);
}

/** Numbers of one contact. */
export const phonesOf = async (em: EntityManager, id: string): Promise<ContactPhone[]> => (await loadPhones(em, [id])).get(id) ?? [];
