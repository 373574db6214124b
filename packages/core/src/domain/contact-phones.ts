import type { EntityManager } from '@mikro-orm/core';
import { ContactPhoneEntity, type ContactPhone } from '../db/entities/index.js';

/** The id of a many-to-one reference, whether it is loaded or a bare key. */
export const refId = (ref: unknown): string => (typeof ref === 'string' ? ref : (ref as { id: string }).id);

/** Numbers of the given contacts, in their stored order, keyed by contact id (500 ids per query). */
export async function loadPhones(em: EntityManager, ids: string[], options: { disableIdentityMap?: boolean } = {}): Promise<Map<string, ContactPhone[]>> {
  const map = new Map<string, ContactPhone[]>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await em.find(ContactPhoneEntity, { contact: { $in: ids.slice(i, i + 500) } }, { orderBy: { contact: 'asc', position: 'asc' }, ...options });
    for (const r of rows) {
      const cid = refId(r.contact);
      const list = map.get(cid);
      if (list) list.push(r);
      else map.set(cid, [r]);
    }
  }
  return map;
}

/** Numbers of one contact. */
export const phonesOf = async (em: EntityManager, id: string): Promise<ContactPhone[]> => (await loadPhones(em, [id])).get(id) ?? [];
