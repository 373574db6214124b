/**
 * Enrichment on sync: core calls this after each source batch has committed (in the background,
 * once the site's sync has ended) with a batch of contacts. Per batch: the users' ids from the
 * configured attribute, their phones (`phonesOwnedBy`: one executeSQLQuery per 100 users with
 * read-only SQL, else per-user calls under the concurrency limit), the FAC of each person (under
 * the cluster's concurrency limit), and the registration state of all their phones from RisPort
 * (1000 names a request, each from the cluster-wide budget).
 *
 * Throttling the clients retry through (axlcode -1 memory, 503, RateControl) only slows a batch;
 * "too large" halves pages and splits SQL batches. A fault they could not get through — or CUCM
 * unreachable, or refusing the account — throws: core keeps the batch's contacts pending,
 * retries them with its job and notifies the admins once.
 */
import type { ContactDto, ContactEnricher, EnrichBatch, EnrichOutcome } from '@dialbook/core';
import type { Cluster } from './clients.js';
import { outcomeFor, storedPhones, type Found } from './enrich-mapping.js';
import { cucmUserId, facNameFor } from './people.js';
import { findFac } from './pin.js';
import type { CucmRuntime } from './runtime.js';

export const ENRICH_BATCH = 200;

export function cucmEnricher(rt: CucmRuntime, id: string, now: () => Date = () => new Date()): ContactEnricher {
  return {
    id,
    label: 'CUCM: PIN and phones',
    batchSize: ENRICH_BATCH,
    enabled: async (siteId) => (await rt.settingsFor(siteId).catch(() => null))?.enrich ?? false,
    enrich: (batch) => enrichBatch(rt, batch, now),
  };
}

export async function enrichBatch(rt: CucmRuntime, { siteId, contacts }: EnrichBatch, now: () => Date = () => new Date()): Promise<EnrichOutcome[]> {
  const cluster = await rt.cluster(siteId);
  const { settings, axl } = cluster;
  const userIds = new Map<string, string | null>(contacts.map((c) => [c.id, cucmUserId(c, settings.userIdAttribute)]));
  const wanted = [...new Set([...userIds.values()].filter((u): u is string => !!u))];

  const owned = await axl.phonesOwnedBy(wanted);
  const names = [...new Set([...owned.byUser.values()].flat().map((p) => p.name))];

  // RisPort (its own budget) beside the FAC lookups (AXL, under the concurrency limit).
  const [registrations, pins] = await Promise.all([
    cluster.ris && names.length ? cluster.ris.selectCmDevice(names) : Promise.resolve(cluster.ris ? new Map() : null),
    lookUpPins(contacts, cluster),
  ]);

  const at = now();
  const out: EnrichOutcome[] = [];
  for (const c of contacts) {
    const userId = userIds.get(c.id) ?? null;
    const phones = userId ? storedPhones(owned.byUser.get(userId) ?? [], registrations) : null;
    const found: Found = { userId, phones, pin: pins.get(c.id) };
    const o = outcomeFor(c, found, at);
    if (o) out.push(o);
  }
  if (owned.unknownUsers.length) rt.ctx.logger.debug({ siteId, unknownUsers: owned.unknownUsers.length }, 'CUCM does not know some users of the batch');
  return out;
}

/** The FAC code of each contact that has a FAC name (null: CUCM has none); contacts without a name are left out. */
async function lookUpPins(contacts: readonly ContactDto[], cluster: Cluster): Promise<Map<string, string | null>> {
  const pins = new Map<string, string | null>();
  await Promise.all(
    contacts.map((c) => {
      const fac = facNameFor(c, cluster.settings);
      if (!fac.ok) return undefined;
      return cluster.limit(async () => {
        const found = await findFac(cluster.axl, fac.name);
        pins.set(c.id, found?.code ?? null);
      });
    }),
  );
  return pins;
}
