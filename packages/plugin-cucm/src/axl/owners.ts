/**
 * The phones of a batch of users without SQL: one `listPhone` scan (auto-paged) for the phones
 * whose Owner User ID is one of them — `ownerUserName` is not a search criterion, so the scan is
 * filtered here — plus `getUser` per user for the controlled (associated) devices, then
 * `getPhone` per device for model and lines; per-user and per-device calls run under a
 * concurrency limit.
 */
import { isCucmError } from '../errors.js';
import { macOfDeviceName } from '../mac.js';
import { concurrencyLimit } from '../retry.js';
import type { CucmUser, OwnedPhone, OwnedPhones, Phone, PhoneLink, PhoneSummary } from './types.js';

export interface OwnerLookups {
  /** Every phone (a full listPhone scan). */
  scan(): Promise<PhoneSummary[]>;
  getUser(userid: string): Promise<CucmUser>;
  getPhone(name: string): Promise<Phone>;
}

const notFound = (err: unknown) => isCucmError(err) && err.code === 'DIALBOOK_CUCM_NOT_FOUND';

export async function ownedPhonesViaAxl(userIds: readonly string[], api: OwnerLookups, options: { concurrency?: number; lines?: boolean } = {}): Promise<OwnedPhones> {
  const limit = concurrencyLimit(options.concurrency ?? 4);
  const key = new Map(userIds.map((u) => [u.toLowerCase(), u]));
  const links = new Map<string, Map<string, Set<PhoneLink>>>(); // user → device → links
  const addLink = (user: string, device: string, link: PhoneLink) => {
    const devices = links.get(user) ?? new Map<string, Set<PhoneLink>>();
    links.set(user, devices);
    devices.set(device, (devices.get(device) ?? new Set()).add(link));
  };

  const summaries = new Map<string, PhoneSummary>();
  for (const p of await api.scan()) {
    const user = p.owner ? key.get(p.owner.toLowerCase()) : undefined;
    if (user) {
      addLink(user, p.name, 'owner');
      summaries.set(p.name, p);
    }
  }

  const unknownUsers: string[] = [];
  await Promise.all(
    userIds.map((u) =>
      limit(async () => {
        try {
          const user = await api.getUser(u);
          for (const d of user.associatedDevices) addLink(u, d, 'associated');
        } catch (err) {
          if (notFound(err)) unknownUsers.push(u);
          else throw err;
        }
      }),
    ),
  );

  const devices = new Set<string>();
  for (const d of links.values()) for (const name of d.keys()) devices.add(name);
  const details = new Map<string, Phone | null>();
  if (options.lines !== false) {
    await Promise.all(
      [...devices].map((name) =>
        limit(async () => {
          try {
            details.set(name, await api.getPhone(name));
          } catch (err) {
            if (notFound(err)) details.set(name, null);
            else throw err;
          }
        }),
      ),
    );
  }

  const byUser = new Map<string, OwnedPhone[]>();
  for (const u of userIds) {
    const phones: OwnedPhone[] = [];
    for (const [name, l] of links.get(u) ?? []) {
      const detail = details.get(name);
      if (detail === null) continue; // associated to a device that no longer exists
      const summary = summaries.get(name);
      phones.push({
        name,
        mac: macOfDeviceName(name),
        description: detail?.description ?? summary?.description ?? null,
        model: detail?.model ?? summary?.model ?? null,
        links: [...l].sort(),
        lines: (detail?.lines ?? []).filter((x) => x.dn).map((x) => ({ index: x.index, dn: x.dn!, partition: x.partition })),
      });
    }
    byUser.set(u, phones.sort((a, b) => a.name.localeCompare(b.name)));
  }
  return { byUser, unknownUsers: userIds.filter((u) => unknownUsers.includes(u)) };
}
