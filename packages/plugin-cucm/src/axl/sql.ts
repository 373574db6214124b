/**
 * The read-only SQL the client may send with `executeSQLQuery` (only when the admin enabled it),
 * and the mapping of its rows. Tables and columns per the CUCM Data Dictionary: `device.fkenduser`
 * is the phone's Owner User ID, `enduserdevicemap` with `tkuserassociation = 1` the user's
 * controlled (associated) devices, `devicenumplanmap`/`numplan` the lines, `typeclass` 1 = Phone.
 * Cisco keeps no compatibility promise for SQL, so this stays optional. Pure.
 */
import { macOfDeviceName } from '../mac.js';
import type { OwnedPhone, OwnedPhones, PhoneLink } from './types.js';

/** An Informix string literal. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const COLUMNS = (link: string) =>
  `d.name AS device, d.description AS description, tm.name AS model, eu.userid AS userid, '${link}' AS link, n.dnorpattern AS dn, dnm.numplanindex AS lineindex, rp.name AS partition`;
const LINES =
  'LEFT OUTER JOIN devicenumplanmap dnm ON dnm.fkdevice = d.pkid LEFT OUTER JOIN numplan n ON dnm.fknumplan = n.pkid LEFT OUTER JOIN routepartition rp ON n.fkroutepartition = rp.pkid';

/**
 * One query for a batch of users: the phones they own, the phones associated to them (each with
 * one row per line), and one `link = 'user'` row per user that exists, so unknown users show.
 */
export function ownedPhonesSql(userIds: readonly string[]): string {
  const ids = userIds.map((u) => sqlString(u.toLowerCase())).join(', ');
  return [
    `SELECT ${COLUMNS('owner')} FROM device d JOIN enduser eu ON d.fkenduser = eu.pkid JOIN typemodel tm ON d.tkmodel = tm.enum ${LINES} WHERE d.tkclass = 1 AND LOWER(eu.userid) IN (${ids})`,
    `SELECT ${COLUMNS('associated')} FROM enduserdevicemap m JOIN device d ON m.fkdevice = d.pkid JOIN enduser eu ON m.fkenduser = eu.pkid JOIN typemodel tm ON d.tkmodel = tm.enum ${LINES} WHERE m.tkuserassociation = 1 AND d.tkclass = 1 AND LOWER(eu.userid) IN (${ids})`,
    `SELECT '' AS device, '' AS description, '' AS model, eu.userid AS userid, 'user' AS link, '' AS dn, 0 AS lineindex, '' AS partition FROM enduser eu WHERE LOWER(eu.userid) IN (${ids})`,
  ].join(' UNION ');
}

/** The rows of `ownedPhonesSql` → phones per user id (keys as the caller wrote them) and users CUCM does not know. */
export function ownedPhonesFromRows(userIds: readonly string[], rows: Record<string, string | null>[]): OwnedPhones {
  const key = new Map(userIds.map((u) => [u.toLowerCase(), u]));
  const byUser = new Map<string, Map<string, OwnedPhone>>();
  const known = new Set<string>();
  for (const row of rows) {
    const user = key.get((row.userid ?? '').toLowerCase());
    if (!user) continue;
    known.add(user);
    if (row.link === 'user' || !row.device) continue;
    const phones = byUser.get(user) ?? new Map<string, OwnedPhone>();
    byUser.set(user, phones);
    const phone: OwnedPhone = phones.get(row.device) ?? { name: row.device, mac: macOfDeviceName(row.device), description: row.description ?? null, model: row.model ?? null, links: [], lines: [] };
    phones.set(row.device, phone);
    const link = row.link as PhoneLink;
    if ((link === 'owner' || link === 'associated') && !phone.links.includes(link)) phone.links.push(link);
    if (row.dn && !phone.lines.some((l) => l.dn === row.dn && l.partition === row.partition)) {
      const index = row.lineindex === null ? null : Number(row.lineindex);
      phone.lines.push({ index: Number.isInteger(index) ? index : null, dn: row.dn, partition: row.partition ?? null });
    }
  }
  const out = new Map<string, OwnedPhone[]>();
  for (const u of userIds) {
    const phones = [...(byUser.get(u)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    for (const p of phones) {
      p.links.sort();
      p.lines.sort((a, b) => (a.index ?? 99) - (b.index ?? 99));
    }
    out.set(u, phones);
  }
  return { byUser: out, unknownUsers: userIds.filter((u) => !known.has(u)) };
}
