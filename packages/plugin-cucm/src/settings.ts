/**
 * The runtime settings of a CUCM instance: one set per site over a shared set
 * (`settingsScope: 'site'`), edited at `PATCH /api/v1/settings/<instance id>?siteId=`. Most
 * deployments set everything once in the shared set (one cluster for every site) and override
 * per site only where a site has its own cluster.
 */
import { secret, z } from '@dialbook/core';
import { DEFAULT_RIS_PER_MINUTE } from './risport/budget.js';

const HOST = /^(\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]+:[0-9a-fA-F:.]*|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;
const Host = z.string().trim().min(1).max(253).regex(HOST, 'a host name or IP address, without https:// or a port');
/** A contact attribute path (`ldap.uid`), or `externalId`. */
const ATTRIBUTE = /^(externalId|[a-z][a-z0-9_-]*\.[A-Za-z][A-Za-z0-9_.-]*)$/;

export const CucmSettingsSchema = z.object({
  host: Host.meta({ description: 'The publisher (AXL is asked there): host name or IP address, e.g. cucm-pub.example.net.' }),
  port: z.number().int().min(1).max(65535).default(8443).meta({ description: 'HTTPS port of the publisher (CUCM: 8443).' }),
  username: z.string().trim().min(1).max(128).meta({ description: 'The AXL application user (roles: Standard AXL API Access or Standard AXL Read Only API Access, Standard CCM Admin Users, Standard SERVICEABILITY Read Only).' }),
  password: secret(z.string().min(1).max(1024)),
  tls: z
    .object({
      verify: z.boolean().default(true).meta({ description: "Check the publisher's certificate (turn off only for testing)." }),
      ca: z.string().max(100_000).optional().meta({ description: "PEM of the CA that issued CUCM's tomcat certificate, or of the self-signed certificate itself." }),
    })
    .prefault({}),
  version: z
    .string()
    .trim()
    .regex(/^(auto|\d{1,2}\.\d)$/, 'auto, or an AXL schema version such as 14.0')
    .default('auto')
    .meta({ description: 'AXL schema version: auto asks getCCMVersion with the newest known and, on HTTP 599, takes the best version the cluster offers.' }),
  wsdl: z.enum(['builtin', 'toolkit']).default('builtin').meta({ description: "builtin: Dialbook's own minimal AXL description; toolkit: the Cisco AXL Toolkit unpacked on this server (toolkitPath)." }),
  toolkitPath: z.string().trim().max(4096).optional().meta({ description: 'With wsdl: toolkit, the path of AXLAPI.wsdl, of its folder, or of the schema/ folder holding one folder per version.' }),
  risport: z
    .object({
      enabled: z.boolean().default(true).meta({ description: 'Ask RisPort70 for registration state (status, IP, firmware, last seen).' }),
      host: Host.optional().meta({ description: 'The node RisPort70 is asked on, when not the publisher.' }),
      perMinute: z
        .number()
        .int()
        .min(1)
        .max(18)
        .default(DEFAULT_RIS_PER_MINUTE)
        .meta({ description: "RisPort requests a minute Dialbook may send, across all its instances (CUCM's enterprise parameter allows 15 by default, at most 18, for every tool together)." }),
    })
    .prefault({}),
  readOnlySql: z.boolean().default(false).meta({ description: 'Allow read-only executeSQLQuery: one query per batch of users instead of calls per user (SQL has no compatibility promise across CUCM releases).' }),
  enrich: z.boolean().default(true).meta({ description: "After each sync, add the contacts' PIN and owned phones from CUCM (cucm.* attributes)." }),
  userIdAttribute: z
    .string()
    .trim()
    .regex(ATTRIBUTE, 'externalId, or an attribute path such as ldap.uid')
    .default('ldap.uid')
    .meta({ description: "Where a contact's CUCM user id is: an attribute path (default ldap.uid, the LDAP login name) or externalId." }),
  facMatch: z.enum(['uid', 'first last']).default('uid').meta({ description: "How a person's forced authorization code is found: uid (the FAC is named like the CUCM user id) or 'first last' (named \"First Last\")." }),
  concurrency: z.number().int().min(1).max(16).default(4).meta({ description: 'AXL requests in flight at once per cluster (per-user calls of the enrichment).' }),
  timeoutSeconds: z.number().int().min(1).max(300).default(30).meta({ description: 'Per request.' }),
});

export type CucmSettings = z.output<typeof CucmSettingsSchema>;
