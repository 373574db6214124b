import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import { SiteEntity } from './entities.js';

/** The zone a site without one counts in. */
export const DEFAULT_TIME_ZONE = 'UTC';

/**
 * Whether `name` is a time zone this runtime knows (an IANA name such as `Europe/Berlin`, or `UTC`).
 * `Intl` is the judge: what it accepts here is what stats and exports can compute in.
 */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

let known: Map<string, string> | null = null;
/**
 * A known zone in its listed spelling (`europe/berlin` → `Europe/Berlin`), else as written (`UTC`,
 * `Etc/GMT-2`). Not `resolvedOptions()`, which would turn `Asia/Kolkata` into the older `Asia/Calcutta`.
 */
export function canonicalTimeZone(name: string): string {
  known ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  return known.get(name.toLowerCase()) ?? (name.toUpperCase() === 'UTC' ? 'UTC' : name);
}

/** An IANA time zone name, checked with `Intl` and kept in its canonical spelling. */
export const TimeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isTimeZone, { message: 'Enter an IANA time zone name, such as Europe/Berlin or UTC.' })
  .transform(canonicalTimeZone)
  .meta({ description: 'IANA time zone name, such as `Europe/Berlin`; calls are counted per local day, week and hour in it' });

/** A site's time zone (`UTC` when the site is unknown or has none): for areas that report per local day. */
export async function siteTimeZone(em: EntityManager, siteId: string): Promise<string> {
  const s = await em.findOne(SiteEntity, { id: siteId }, { fields: ['timeZone'] });
  return s?.timeZone || DEFAULT_TIME_ZONE;
}
