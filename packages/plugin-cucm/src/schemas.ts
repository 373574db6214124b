/**
 * The shapes of the plugin's HTTP API as zod schemas: request validation and the OpenAPI document
 * (`/openapi.json`, paths `/plugins/<instance id>/…`). Created once per process (module level), so
 * every instance shares the components; the checks at the end keep them in step with the types.
 */
import { z } from '@dialbook/core';
import type { PhoneAnswer } from './phones.js';
import type { Badge, PhoneRow } from './rows.js';
import type { ConnectionReport } from './runtime.js';

const SiteId = z.uuid().optional().meta({ description: "The site whose settings name the cluster; without it the shared settings" });

export const LookupQuery = z.object({
  siteId: SiteId,
  mac: z.string().trim().min(1).max(64).meta({ description: 'A MAC address in any written form (00:1A:2B:3C:4D:5E, 001a.2b3c.4d5e, 00-1a-…, SEP001A2B3C4D5E) or a device name (CSF…)' }),
});

const Term = z.string().trim().max(100);
export const SearchQuery = z.object({
  siteId: SiteId,
  name: Term.optional().meta({ description: 'Device name (LIKE: `%term%` unless it holds a `%`; a MAC becomes SEP…)' }),
  description: Term.optional().meta({ description: 'Description (LIKE: `%term%` unless it holds a `%`)' }),
  owner: Term.optional().meta({ description: 'Only phones whose Owner User ID is this user (exact, any case)' }),
  limit: z.coerce.number().int().min(1).max(1000).default(50).meta({ description: 'At most this many rows (lines are read for up to 100)' }),
});

export const OwnedQuery = z.object({ siteId: SiteId, user: z.string().trim().min(1).max(128).meta({ description: 'The CUCM user id' }) });
export const ContactQuery = z.object({ contactId: z.uuid() });
export const TestInput = z.object({ siteId: z.uuid().optional().meta({ description: "Test this site's settings; without it the shared ones" }) });

const BadgeSchema = z.object({ label: z.string(), tone: z.enum(['good', 'warn', 'bad', 'neutral']) });

export const PhoneRowSchema = z
  .object({
    name: z.string().meta({ description: 'Device name, e.g. SEP001A2B3C4D5E' }),
    mac: z.string().nullable(),
    model: z.string().nullable(),
    description: z.string().nullable(),
    owner: z.string().nullable().meta({ description: 'Owner User ID' }),
    devicePool: z.string().nullable(),
    lines: z.array(z.string()).meta({ description: '"DN (partition) label" per line, in button order' }),
    status: BadgeSchema.nullable().meta({ description: 'Registration state from RisPort70 (null: RisPort turned off)' }),
    ip: z.string().nullable(),
    firmware: z.string().nullable().meta({ description: 'Active load' }),
    lastSeen: z.string().nullable().meta({ description: 'When CUCM last saw its state change (ISO 8601)' }),
    link: z.string().optional().meta({ description: 'For phones of a user: owner, associated, or both' }),
  })
  .meta({ id: 'CucmPhoneRow' });

export const PhoneAnswerSchema = z
  .object({ items: z.array(PhoneRowSchema), message: z.string().optional().meta({ description: 'Why the list is empty or the state missing, in words' }) })
  .meta({ id: 'CucmPhones' });
export const SearchAnswerSchema = PhoneAnswerSchema.extend({ truncated: z.boolean() }).meta({ id: 'CucmPhoneSearch' });

const Step = z.enum(['settings', 'dns', 'tcp', 'tls', 'auth', 'version', 'permission', 'risport']);
export const ConnectionReportSchema = z
  .object({
    ok: z.boolean(),
    failed: Step.nullable(),
    message: z.string(),
    steps: z.array(z.object({ step: Step, ok: z.boolean(), message: z.string(), code: z.string().optional() })),
    version: z.object({ release: z.string(), schemaVersion: z.string(), requested: z.string(), offered: z.array(z.string()) }).nullable(),
  })
  .meta({ id: 'CucmConnectionReport' });

// The schemas describe what the code answers.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _row: Same<z.output<typeof PhoneRowSchema>, PhoneRow> = true;
const _badge: Same<z.output<typeof BadgeSchema>, Badge> = true;
const _answer: Same<z.output<typeof PhoneAnswerSchema>, PhoneAnswer> = true;
const _report: [ConnectionReport] extends [z.output<typeof ConnectionReportSchema>] ? true : false = true;
void [_row, _badge, _answer, _report];
