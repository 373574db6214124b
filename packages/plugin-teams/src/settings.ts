/**
 * The runtime settings of a Teams instance, one set per site (`settingsScope: 'site'`), edited at
 * `PATCH /api/v1/settings/<instance id>?siteId=`. The client secret and the certificate's private
 * key are stored encrypted and never returned, logged or audited (core's `secret`).
 */
import { secret, z } from '@dialbook/core';
import { CLOUD_IDS } from './clouds.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const PEM = /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+-----END (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;
/** An Entra user: object id (GUID) or user principal name. */
const EntraUser = z.string().trim().min(1).max(256).refine((s) => GUID.test(s) || /^[^\s@]+@[^\s@]+$/.test(s), 'an Entra object id (GUID) or a user principal name such as anna@contoso.com');

export const TeamsSettingsSchema = z.object({
  tenantId: z.string().trim().refine((s) => GUID.test(s) || DOMAIN.test(s), 'a directory (tenant) id GUID or a domain such as contoso.onmicrosoft.com').optional().meta({ description: 'Entra ID → Overview → Directory (tenant) ID.' }),
  clientId: z.string().trim().regex(GUID, 'the application (client) id GUID').optional().meta({ description: "The app registration's Application (client) ID." }),
  clientSecret: secret(z.string().min(8).max(512)).optional().meta({ description: "A client secret's value (App registration → Certificates & secrets)." }),
  certificate: z
    .object({
      thumbprint: z.string().trim().regex(/^([0-9a-f]{40}|[0-9a-f]{64})$/i, 'the SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint shown in Entra ID'),
      privateKey: secret(z.string().max(16_384).regex(PEM, 'a PEM private key (-----BEGIN PRIVATE KEY----- …)')),
    })
    .optional()
    .meta({ description: "Instead of the secret: the certificate uploaded to the app registration, by thumbprint, with its private key (PEM). Used when set." }),
  cloud: z.enum(CLOUD_IDS).default('global').meta({ description: 'The national cloud of the tenant: global, usgov (GCC High), usgovdod (DoD), china.' }),
  users: z
    .record(EntraUser, z.email())
    .default({})
    .meta({ description: 'Entra user (object id or UPN) → the Dialbook user (e-mail address) whose call it is; listed users win over matchByUpn.' }),
  matchByUpn: z.boolean().default(true).meta({ description: "A Teams user not listed under users is the Dialbook user whose e-mail address is the Teams user's UPN." }),
  onlyListedUsers: z.boolean().default(false).meta({ description: 'Record only calls in which a user listed under users took part (a tenant shared by several sites).' }),
  syncCron: z.string().trim().max(100).nullable().default('*/15 * * * *').meta({ description: 'When the site is synced (cron, 5 or 6 fields); null: only on request.' }),
  overlapMinutes: z.number().int().min(0).max(24 * 60).default(240).meta({ description: 'How far before its cursor a scheduled sync reads again: Graph publishes records late (up to hours) and updates them.' }),
  firstSyncDays: z.number().int().min(1).max(30).default(1).meta({ description: 'The days the first scheduled sync reads back (Graph keeps call records 30 days).' }),
  notifications: z.boolean().default(false).meta({ description: 'Keep a Graph change-notification subscription on call records, so a call shows within seconds (needs server.publicUrl, reachable from Microsoft Graph over https); the scheduled sync stays on.' }),
  readPstn: z.boolean().default(false).meta({ description: 'Also read the PSTN and Direct Routing logs (needs CallRecord-PstnCalls.Read.All). Direct Routing rows merge into their Teams call; PSTN rows are their own records.' }),
});

export type TeamsSettings = z.output<typeof TeamsSettingsSchema>;

/** Is anything needed to sign in set? (tenant, client id, and a secret or certificate.) */
export const isConfigured = (s: TeamsSettings): boolean => !!(s.tenantId && s.clientId && (s.clientSecret || s.certificate));
