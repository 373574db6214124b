/**
 * The runtime settings of an LDAP instance: one set per site over a shared set
 * (`settingsScope: 'site'`), edited at `PATCH /api/v1/settings/<instance id>?siteId=`.
 */
import { secret, z } from '@dialbook/core';
import { ATTRIBUTE_NAME, filterProblem } from './filter.js';
import { effectiveMapping, PHONE_TYPES, PRESETS, type AttributeMapping, type ChangeAttribute, type PresetName } from './presets.js';

const Attribute = z.string().trim().regex(ATTRIBUTE_NAME, 'an LDAP attribute name such as telephoneNumber');
const Attributes = z.array(Attribute).max(10);

const PhoneMapping = z
  .object(Object.fromEntries(PHONE_TYPES.map((t) => [t, Attributes.optional()])) as Record<(typeof PHONE_TYPES)[number], z.ZodOptional<typeof Attributes>>)
  .strict();

/** Contact field → attributes, over the preset's mapping: a key given here replaces the preset's. */
export const MappingSchema = z
  .object({
    firstName: Attributes.optional(),
    lastName: Attributes.optional(),
    displayName: Attributes.optional(),
    organization: Attributes.optional(),
    department: Attributes.optional(),
    title: Attributes.optional(),
    uid: Attributes.optional().meta({ description: 'The login name UID conflicts are found by (uid, sAMAccountName).' }),
    emails: Attributes.optional(),
    phones: PhoneMapping.optional(),
  })
  .strict();

/** Five or six cron fields (croner syntax); the job service checks it fully when it schedules. */
const CRON = /^\s*(\S+\s+){4,5}\S+\s*$/;

export const LdapSettingsSchema = z.object({
  enabled: z.boolean().default(true).meta({ description: 'Sync this site from the directory (scheduled and on request).' }),
  url: z
    .string()
    .trim()
    .regex(/^ldaps?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?\/?$/, 'an LDAP URL: ldap://host[:port] or ldaps://host[:port]')
    .meta({ description: 'ldap://host:389 (optionally with StartTLS) or ldaps://host:636.' }),
  startTls: z.boolean().default(false).meta({ description: 'Upgrade an ldap:// connection with StartTLS before binding.' }),
  tls: z
    .object({
      verify: z.boolean().default(true).meta({ description: 'Check the server certificate (turn off only for testing).' }),
      ca: z.string().max(100_000).optional().meta({ description: 'CA certificate(s), PEM, that issued the server certificate.' }),
    })
    .prefault({}),
  bindDN: z.string().trim().max(1024).optional().meta({ description: 'DN (or user@domain for Active Directory) to bind as; empty: anonymous.' }),
  bindPassword: secret(z.string().max(1024)).optional(),
  baseDN: z.string().trim().min(1).max(1024).meta({ description: 'Where the sync searches, e.g. ou=people,dc=example,dc=org.' }),
  scope: z.enum(['sub', 'one']).default('sub').meta({ description: 'sub: the whole subtree; one: direct children only.' }),
  filter: z
    .string()
    .trim()
    .max(4096)
    .refine((f) => filterProblem(f) === null, { message: 'not a valid LDAP filter (RFC 4515), e.g. (objectClass=inetOrgPerson)' })
    .optional()
    .meta({ description: 'Which entries are contacts. Default: the preset\'s filter.' }),
  pageSize: z.number().int().min(1).max(1000).default(500).meta({ description: 'Entries per page of the paged search (RFC 2696).' }),
  preset: z.enum(['openldap', 'ad', 'custom']).default('openldap').meta({ description: 'Attribute mapping, filter and identity defaults: openldap (inetOrgPerson), ad (Active Directory), custom.' }),
  mapping: MappingSchema.prefault({}),
  identity: z
    .string()
    .trim()
    .refine((v) => v === 'auto' || v.toLowerCase() === 'dn' || ATTRIBUTE_NAME.test(v), 'auto, dn, or an attribute name such as entryUUID')
    .default('auto')
    .meta({ description: 'Stable id of an entry: auto (entryUUID, objectGUID for Active Directory, else the DN), dn, or an attribute.' }),
  schedule: z
    .string()
    .trim()
    .regex(CRON, 'a cron schedule such as */15 * * * *')
    .nullable()
    .default(null)
    .meta({ description: 'Cron schedule of the automatic sync (e.g. */15 * * * *); null: only on request.' }),
  timezone: z.string().trim().max(64).optional().meta({ description: 'Time zone of the schedule (e.g. Europe/Berlin); default the server\'s.' }),
  incremental: z.boolean().default(true).meta({ description: 'Scheduled runs read only entries changed since the last run (modifyTimestamp or uSNChanged) when the server provides it.' }),
  fullSyncHours: z.number().int().min(1).max(24 * 31).default(24).meta({ description: 'A scheduled run is a full sync (which also removes vanished entries) when the last full sync is older than this.' }),
  maxDeleteShare: z.number().min(0).max(1).default(0.2).meta({ description: 'A sync that would remove more than this share of the contacts it owns deletes nothing and notifies instead.' }),
  timeoutSeconds: z.number().int().min(1).max(600).default(30).meta({ description: 'Connect and per-operation timeout.' }),
});

export type LdapSettings = z.output<typeof LdapSettingsSchema>;

/** Settings with the preset applied: what the connection, the mapping and the sync use. */
export interface ResolvedSettings extends LdapSettings {
  filter: string;
  effective: AttributeMapping;
  changeAttribute: ChangeAttribute;
}

export function resolveSettings(s: LdapSettings): ResolvedSettings {
  const preset: PresetName = s.preset;
  return { ...s, filter: s.filter || PRESETS[preset].filter, effective: effectiveMapping(preset, s.mapping), changeAttribute: PRESETS[preset].changeAttribute };
}
