/**
 * What the phone routes answer: a phone by MAC, a search, the phones of a user and of a contact,
 * each as flat rows with the live registration state. RisPort is asked once per answer (up to 1000
 * phones) and only for a slot free within a few seconds: when the cluster's budget is used up the
 * rows come without their state ("Status unavailable") rather than late.
 */
import type { Phone, PhoneCriteria } from './axl/types.js';
import type { Cluster } from './clients.js';
import { CucmError, isCucmError } from './errors.js';
import { parseMac } from './mac.js';
import { cucmUserId, userIdSource } from './people.js';
import { likePattern, ownedPhoneRow, phoneRow, type PhoneRow, type RegistrationState } from './rows.js';
import type { CucmRuntime } from './runtime.js';

export interface PhoneAnswer {
  items: PhoneRow[];
  /** Why the list is empty or incomplete, in words. */
  message?: string;
}

export interface SearchInput {
  siteId?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  owner?: string | undefined;
  limit?: number | undefined;
}

/** Rows of a search get their lines from getPhone up to this many rows (listPhone has no lines). */
export const LINES_UP_TO = 100;

const notFound = (err: unknown) => isCucmError(err) && err.code === 'DIALBOOK_CUCM_NOT_FOUND';

/** Registration state of `names` for a person waiting: unavailable rather than slow. */
async function liveState(cluster: Cluster, names: string[]): Promise<RegistrationState> {
  if (!cluster.risLive) return { kind: 'off' };
  if (!names.length) return { kind: 'known', devices: new Map() };
  try {
    return { kind: 'known', devices: await cluster.risLive.selectCmDevice(names) };
  } catch (err) {
    if (isCucmError(err)) return { kind: 'unavailable', reason: err.message };
    throw err;
  }
}

const withReason = (answer: PhoneAnswer, state: RegistrationState): PhoneAnswer => (state.kind === 'unavailable' ? { ...answer, message: `Registration state unavailable: ${state.reason}` } : answer);

export class Phones {
  constructor(private readonly rt: CucmRuntime) {}

  /** A phone by MAC in any written form (or by device name); 422 for a malformed MAC, empty when CUCM has no such phone. */
  async lookup(siteId: string | null, input: string): Promise<PhoneAnswer> {
    const trimmed = input.trim();
    const mac = parseMac(trimmed);
    // Device names that are not SEP + MAC (CSF…, BOT…, ATA…) are asked for as they are.
    if (!mac.ok && (/^sep/i.test(trimmed) || /^[0-9a-f:.\- ]+$/i.test(trimmed))) {
      throw new CucmError('DIALBOOK_CUCM_INVALID_MAC', `Invalid MAC address: ${mac.problem}.`, { service: 'axl', operation: 'getPhone' }, { plugin: this.rt.ctx.id });
    }
    const cluster = await this.rt.cluster(siteId);
    let phone: Phone;
    try {
      phone = await cluster.axl.getPhone(trimmed);
    } catch (err) {
      if (notFound(err)) return { items: [], message: `CUCM has no phone ${mac.ok ? `SEP${mac.hex}` : trimmed}.` };
      throw err;
    }
    const state = await liveState(cluster, [phone.name]);
    return withReason({ items: [phoneRow(phone, state)] }, state);
  }

  /** listPhone by name and/or description (LIKE; `%term%` unless a `%` is given), optionally only one owner's; auto-paged. */
  async search(input: SearchInput): Promise<PhoneAnswer & { truncated: boolean }> {
    const cluster = await this.rt.cluster(input.siteId ?? null);
    const limit = Math.min(Math.max(1, input.limit ?? 50), 1000);
    const criteria: PhoneCriteria = {};
    if (input.name?.trim()) {
      const mac = parseMac(input.name);
      criteria.name = mac.ok ? `SEP${mac.hex}` : likePattern(input.name);
    }
    if (input.description?.trim()) criteria.description = likePattern(input.description);
    if (!criteria.name && !criteria.description) criteria.name = '%';
    const owner = input.owner?.trim().toLowerCase();
    const found = [];
    let truncated = false;
    for await (const page of cluster.axl.listPhonePages(criteria)) {
      for (const p of page) {
        if (owner && p.owner?.toLowerCase() !== owner) continue;
        if (found.length === limit) {
          truncated = true;
          break;
        }
        found.push(p);
      }
      if (truncated) break;
    }
    const lines = new Map<string, Phone['lines']>();
    if (found.length <= LINES_UP_TO) {
      await Promise.all(found.map((p) => cluster.limit(async () => lines.set(p.name, (await cluster.axl.getPhone(p.name).catch((err) => (notFound(err) ? null : Promise.reject(err))))?.lines ?? []))));
    }
    const state = await liveState(cluster, found.map((p) => p.name));
    const answer = withReason({ items: found.map((p) => phoneRow(p, state, lines.get(p.name))) }, state);
    return { ...answer, truncated, ...(truncated && !answer.message ? { message: `More than ${limit} phones match; narrow the search.` } : {}) };
  }

  /** The phones of a CUCM user: their controlled (associated) devices and the phones whose Owner User ID they are. */
  async ownedBy(siteId: string | null, userId: string): Promise<PhoneAnswer> {
    const cluster = await this.rt.cluster(siteId);
    const owned = await cluster.axl.phonesOwnedBy([userId]);
    if (owned.unknownUsers.length) {
      throw new CucmError('DIALBOOK_CUCM_NOT_FOUND', `CUCM has no user "${userId}".`, { service: 'axl', operation: 'getUser' }, { plugin: this.rt.ctx.id });
    }
    const phones = owned.byUser.get(userId) ?? [];
    const state = await liveState(cluster, phones.map((p) => p.name));
    return withReason({ items: phones.map((p) => ownedPhoneRow(p, userId, state)), ...(phones.length ? {} : { message: `CUCM user "${userId}" has no phones.` }) }, state);
  }

  /** The phones of a contact, by the CUCM user id in the configured attribute. */
  async ofContact(contactId: string): Promise<PhoneAnswer> {
    const contact = await this.rt.ctx.contacts.get(contactId);
    const settings = await this.rt.settingsFor(contact.siteId);
    const userId = cucmUserId(contact, settings.userIdAttribute);
    if (!userId) return { items: [], message: `The contact has no CUCM user id (${userIdSource(settings.userIdAttribute)} is empty).` };
    try {
      return await this.ownedBy(contact.siteId, userId);
    } catch (err) {
      if (notFound(err)) return { items: [], message: `CUCM has no user "${userId}".` };
      throw err;
    }
  }
}
