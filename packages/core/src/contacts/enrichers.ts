import type { ContactDto } from './types.js';

/** Why an enricher is asked: after a source wrote the contacts, a retry of pending ones, or a person asked (a "Refresh" button). */
export type EnrichReason = 'sync' | 'retry' | 'manual';

/** One call of an enricher: contacts of one site, active, as stored. */
export interface EnrichBatch {
  siteId: string;
  contacts: ContactDto[];
  reason: EnrichReason;
}

/**
 * What an enricher found for one contact. `attributes` patches keys inside namespaces
 * (`{ cucm: { phones: [...] } }`; `null` removes a key), `secrets` sets or clears registered
 * secret attributes (`{ 'cucm.pin': '12345' }`). `pending` says the contact could not be done now
 * (its system was unreachable or refused): it is kept and retried by the `contacts.enrich` job.
 * A contact the enricher leaves out of its answer has nothing to change.
 */
export type EnrichOutcome =
  | { contactId: string; attributes?: Record<string, Record<string, unknown>>; secrets?: Record<string, string | null>; pending?: undefined }
  | { contactId: string; pending: string };

/**
 * Adds data from another system to contacts a source wrote (CUCM's PIN and owned phones): run
 * by core after each source batch has committed, in the background — never inside the sync's
 * transaction, and not while a sync of the site still runs — and again for contacts it reported
 * pending. Its writes go through the change pipeline (History, version, `contact.updated`) but do
 * not trigger enrichment again.
 *
 * ```ts
 * ctx.contacts.registerEnricher({
 *   id: 'cucm',
 *   label: 'CUCM: PIN and phones',
 *   batchSize: 200,
 *   enabled: async (siteId) => (await ctx.settings.get(siteId)).enrich,
 *   enrich: async ({ contacts }) => lookUp(contacts), // EnrichOutcome[]
 * });
 * ```
 */
export interface ContactEnricher {
  id: string;
  label: string;
  /** Contacts per call (default 100, at most 1000). */
  batchSize?: number;
  /** Whether it runs for a site now (a settings switch); default: always. */
  enabled?(siteId: string): boolean | Promise<boolean>;
  enrich(batch: EnrichBatch): Promise<EnrichOutcome[]>;
}

/** How a run of enrichers went, for a person who asked (`manual`) or the logs. */
export interface EnrichReport {
  done: number;
  changed: number;
  pending: { contactId: string; enricher: string; reason: string }[];
}

/** The wait before the n-th retry of a pending contact: 1, 2, 4 … minutes, at most an hour. */
export const retryDelayMs = (attempts: number): number => Math.min(60, 2 ** Math.max(0, attempts - 1)) * 60_000;
