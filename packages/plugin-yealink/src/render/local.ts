import type { DirectoryContact } from '@dialbook/core';
import { displayNameOf, groupContacts } from './groups.js';
import { pickNumbers, type PickedNumber } from './numbers.js';
import type { YealinkOptions } from './options.js';
import { attr, XML_DECLARATION } from './xml.js';

/** Yealink's local directory holds at most 1,000 contacts and 48 groups (admin guide). */
export const LOCAL_MAX_CONTACTS = 1000;
export const LOCAL_MAX_GROUPS = 48;
/** The phone's built-in group, for contacts whose group did not fit. */
export const ALL_CONTACTS = 'All Contacts';

export interface LocalRender {
  xml: string;
  /** Contacts left out because the phone keeps at most 1,000 (the last ones in directory order). */
  droppedContacts: number;
  /** Groups beyond 48; their contacts are filed under "All Contacts". */
  droppedGroups: number;
}

/**
 * The local-contacts import file (`local_contact.data.url`): `vp_contact` with
 * `root_group/group` and `root_contact/contact`, three numbers per contact (`office_number`:
 * the first work number, `mobile_number`: the first mobile, `other_number`: the next one in
 * priority). The phone replaces its local directory with it.
 *
 * Larger than the phone allows: the first 1,000 contacts in directory order and the first
 * 48 groups (largest first) are kept, the rest of the groups' contacts go to "All Contacts",
 * and an XML comment at the top says what was left out (the file stays valid, so the phone
 * still gets most of the book; the admin API warns as well).
 */
export function renderLocal(contacts: readonly DirectoryContact[], options: YealinkOptions, bookName: string): LocalRender {
  const dialable = contacts.filter((c) => pickNumbers(c, options, 1).length);
  const kept = dialable.slice(0, LOCAL_MAX_CONTACTS);
  const droppedContacts = dialable.length - kept.length;
  const groups = groupContacts(kept, options, bookName);
  const ranked = [...groups].sort((a, b) => b.contacts.length - a.contacts.length).slice(0, LOCAL_MAX_GROUPS);
  const allowed = new Set(ranked.map((g) => g.name));
  const droppedGroups = groups.length - allowed.size;
  const groupOf = new Map<string, string>();
  for (const g of groups) for (const c of g.contacts) groupOf.set(c.id, allowed.has(g.name) ? g.name : ALL_CONTACTS);

  const out: string[] = [XML_DECLARATION];
  if (droppedContacts || droppedGroups) {
    out.push(`<!-- Dialbook: ${dialable.length} contacts in ${groups.length} groups; Yealink's local directory keeps at most ${LOCAL_MAX_CONTACTS} contacts and ${LOCAL_MAX_GROUPS} groups. Left out: ${droppedContacts} contacts (the last in name order); ${droppedGroups} groups (their contacts are under "${ALL_CONTACTS}"). Use the remote phonebook for the whole book. -->`);
  }
  out.push('<vp_contact>', '<root_group>');
  for (const g of groups) if (allowed.has(g.name)) out.push(`<group ${attr('display_name', g.name)} ring="Auto"/>`);
  out.push('</root_group>', '<root_contact>');
  for (const c of kept) {
    const numbers = pickNumbers(c, options);
    const take = (pred: (n: PickedNumber) => boolean): string => {
      const i = numbers.findIndex(pred);
      return i < 0 ? '' : numbers.splice(i, 1)[0]!.number;
    };
    const office = take((n) => n.type === 'work');
    const mobile = take((n) => n.type === 'mobile');
    const other = take(() => true);
    out.push(
      `<contact ${attr('display_name', displayNameOf(c))} ${attr('office_number', office)} ${attr('mobile_number', mobile)} ${attr('other_number', other)} line="-1" ring="Auto" ${attr('group_id_name', groupOf.get(c.id) ?? ALL_CONTACTS)} default_photo="Resource:" auto_divert=""/>`,
    );
  }
  out.push('</root_contact>', '</vp_contact>', '');
  return { xml: out.join('\n'), droppedContacts, droppedGroups };
}
