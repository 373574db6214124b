import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { TimeZoneSchema } from './timezone.js';

export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a slug is lower-case letters, digits and dashes (max 64)');
/**
 * A site's country: an ISO 3166-1 alpha-2 code of a country with a telephone numbering plan (the list
 * libphonenumber-js knows, which reads the site's national numbers). `de` is taken as `DE`; `XX` is refused.
 */
const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'Enter a two-letter ISO 3166 country code, such as DE for Germany.')
  .transform((v) => v.toUpperCase())
  .refine((v) => isSupportedCountry(v), { message: 'This is not a known country code: choose a country from the list (ISO 3166-1 alpha-2, such as DE for Germany).' })
  .meta({ description: 'ISO 3166-1 alpha-2 code of a country with a telephone numbering plan, such as `DE`; national numbers of the site are read with it' });

export const SiteCreateSchema = z
  .object({ name: z.string().trim().min(1).max(200), slug: slug.optional(), defaultCountry: country.nullish(), timeZone: TimeZoneSchema.optional().meta({ description: 'IANA time zone name; default `UTC`' }) })
  .meta({ id: 'SiteCreate' });
export const SiteUpdateSchema = z
  .object({ name: z.string().trim().min(1).max(200), slug, defaultCountry: country.nullable(), timeZone: TimeZoneSchema })
  .partial()
  .meta({ id: 'SiteUpdate' });
export const SiteSchema = z
  .object({ id: z.uuid(), slug: z.string(), name: z.string(), defaultCountry: z.string().nullable(), timeZone: z.string().meta({ description: 'IANA time zone its calls are counted in' }), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() })
  .meta({ id: 'Site' });

export type SiteCreate = z.input<typeof SiteCreateSchema>;
export type SiteUpdate = z.input<typeof SiteUpdateSchema>;
export type SiteDto = z.infer<typeof SiteSchema>;

export const slugify = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64) || 'site';
