import type { MikroORM } from '@mikro-orm/core';
import { dialectOf } from '../db/orm.js';
import type { Phonebook } from '../phonebooks/entities.js';
import type { PhoneType } from '../contacts/types.js';
import { memberCondition } from '../phonebooks/service.js';
import type { DirectoryContact } from './contracts.js';

interface ContactRow {
  id: string;
  display_name: string;
  first_name: string | null;
  last_name: string | null;
  organization: string | null;
  department: string | null;
  title: string | null;
  emails: string | string[] | null;
  tags: string | string[] | null;
  attributes: string | DirectoryContact['attributes'] | null;
}

interface PhoneRow {
  contact_id: string;
  position: number | string;
  type: string;
  number: string;
  label: string | null;
  e164: string | null;
}

/** JSON columns: text on SQLite (mostly `[]`/`{}`, skipped without parsing), parsed values on PostgreSQL. */
const jsonList = <T>(v: unknown): T[] => (v == null || v === '[]' ? [] : typeof v === 'string' ? (JSON.parse(v) as T[]) : (v as T[]));
const jsonObject = <T extends object>(v: unknown): T => (v == null || v === '{}' ? {} : typeof v === 'string' ? JSON.parse(v) : v) as T;

/**
 * A phonebook's active members as `DirectoryContact`s, in sort-name order (the directory
 * order is applied by the caller): two plain SQL reads — the contacts with only the columns a
 * directory carries, and all of their numbers in one query — with the membership condition
 * shared with `phonebooks.members` ({@link memberCondition}). No ORM hydration, no full
 * contact DTOs: the cold render after an edit reads 10,000 contacts this way.
 */
export async function readDirectoryMembers(orm: MikroORM, pb: Pick<Phonebook, 'id' | 'filter'>, siteId: string): Promise<DirectoryContact[]> {
  const connection = orm.em.getConnection();
  const member = memberCondition(pb, dialectOf(orm));
  const where = `c.site_id = ? and c.deleted_at is null and ${member.sql}`;
  const params = [siteId, ...member.params];
  const rows = await connection.execute<ContactRow[]>(
    `select c.id, c.display_name, c.first_name, c.last_name, c.organization, c.department, c.title, c.emails, c.tags, c.attributes from contact c where ${where} order by c.sort_name, c.id`,
    params,
  );
  // Unordered (an ORDER BY costs SQLite a temporary B-tree over every number); a contact's numbers are put in stored order below.
  const phoneRows = await connection.execute<PhoneRow[]>(
    `select p.contact_id, p.position, p.type, p.number, p.label, p.e164 from contact_phone p where p.contact_id in (select c.id from contact c where ${where})`,
    params,
  );
  const byContact = new Map<string, PhoneRow[]>();
  for (const p of phoneRows) {
    const list = byContact.get(p.contact_id);
    if (list) list.push(p);
    else byContact.set(p.contact_id, [p]);
  }
  const phones = new Map<string, DirectoryContact['phones']>();
  for (const [id, list] of byContact) {
    let ordered = true;
    for (let i = 1; i < list.length && ordered; i++) ordered = Number(list[i - 1]!.position) < Number(list[i]!.position);
    if (!ordered) list.sort((a, b) => Number(a.position) - Number(b.position));
    phones.set(
      id,
      list.map((p) => ({ type: p.type as PhoneType, number: p.number, label: p.label ?? null, e164: p.e164 ?? null })),
    );
  }
  const contacts: DirectoryContact[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    contacts[i] = {
      id: r.id,
      displayName: r.display_name,
      firstName: r.first_name ?? null,
      lastName: r.last_name ?? null,
      organization: r.organization ?? null,
      department: r.department ?? null,
      title: r.title ?? null,
      emails: jsonList(r.emails),
      phones: phones.get(r.id) ?? [],
      tags: jsonList(r.tags),
      attributes: jsonObject<DirectoryContact['attributes']>(r.attributes),
    };
  }
  return contacts;
}
