/**
 * The shapes of the plugin's HTTP API, as zod schemas: request validation and the OpenAPI
 * document (`/openapi.json`, paths `/plugins/<instance id>/…`). The answers mirror the
 * TypeScript types the service returns; the checks at the end keep the two in step.
 * Schemas with an `id` are created once per process, so every instance shares the component.
 */
import { ContactSchema, z } from '@dialbook/core';
import type { ConflictDto } from './conflicts.js';
import { searchTermProblem } from './filter.js';
import type { SearchHit } from './lookup.js';
import type { ProbeReport } from './probe.js';
import type { SiteStatus } from './service.js';
import type { LdapSyncOutcome } from './sync.js';

export const SiteId = z.uuid();

// ---- requests ----

export const TestInput = z.object({
  siteId: SiteId.optional().meta({ description: 'Test this site’s saved settings; without it the shared ones' }),
  settings: z.record(z.string(), z.unknown()).optional().meta({ description: 'Unsaved settings laid over the saved ones (`null` removes a key). A changed url, startTls, tls or bindDN needs bindPassword' }),
});

export const SyncInput = z.object({
  siteId: SiteId,
  mode: z.enum(['full', 'incremental', 'auto']).default('full'),
  confirmDeletions: z.boolean().default(false).meta({ description: 'Apply deletions the delete guard would hold back' }),
});

export const SiteQuery = z.object({ siteId: SiteId });

export const SearchQuery = z.object({
  siteId: SiteId,
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .superRefine((q, ctx) => {
      const problem = searchTermProblem(q);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description: 'Matched against uid, names, mail and phone numbers. Control characters (U+0000–U+001F, U+007F–U+009F) are refused (422).' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const ImportInput = z
  .object({
    siteId: SiteId,
    dn: z.string().trim().min(3).max(2048).optional(),
    externalId: z.string().trim().min(1).max(512).optional().meta({ description: 'The identity `search` answers (entryUUID, objectGUID, …)' }),
  })
  .refine((v) => !!v.dn !== !!v.externalId, { message: 'give either dn or externalId', path: ['dn'] })
  .meta({ description: 'Either `dn` or `externalId`' });

export const ConflictsQuery = z.object({ siteId: SiteId, status: z.enum(['open', 'resolved', 'gone', 'all']).default('open') });

export const ConflictParam = z.object({ cid: z.uuid().meta({ param: { name: 'cid', in: 'path' } }) });

export const ResolveInput = z.object({ action: z.enum(['keep', 'overwrite', 'link']) });

// ---- answers ----

const ProbeStepSchema = z.enum(['settings', 'dns', 'tcp', 'tls', 'bind', 'baseDN', 'filter', 'mapping']);

export const ProbeReportSchema = z
  .object({
    ok: z.boolean(),
    stage: ProbeStepSchema.nullable().meta({ description: 'The step that failed, or null' }),
    message: z.string(),
    steps: z.array(z.object({ step: ProbeStepSchema, ok: z.boolean(), message: z.string() })),
    sample: z
      .object({ dn: z.string(), name: z.string(), identity: z.string().nullable(), uid: z.string().nullable() })
      .nullable()
      .meta({ description: 'The first entry the filter found, as it would be imported' }),
  })
  .meta({ id: 'LdapProbeReport' });

export const LdapSyncOutcomeSchema = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    deleted: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int(),
    mode: z.enum(['full', 'incremental']),
    modeReason: z.string(),
    entries: z.number().int(),
    pages: z.number().int(),
    restored: z.number().int(),
    skipped: z.number().int(),
    conflicts: z.number().int(),
    newConflicts: z.number().int(),
    warnings: z.number().int(),
    deletionBlocked: z.object({ wouldDelete: z.number().int(), of: z.number().int(), share: z.number(), maxShare: z.number() }).nullable(),
    failures: z.array(z.object({ dn: z.string(), message: z.string() })),
    marker: z.string().nullable(),
    durationMs: z.number(),
  })
  .meta({ id: 'LdapSyncOutcome' });

export const SiteStatusSchema = z
  .object({
    siteId: z.uuid(),
    configured: z.boolean(),
    problem: z.string().nullable(),
    enabled: z.boolean(),
    schedule: z.string().nullable(),
    nextRunAt: z.string().nullable(),
    running: z.boolean(),
    lastRunAt: z.string().nullable(),
    lastFullAt: z.string().nullable(),
    lastMode: z.string().nullable(),
    lastStatus: z.string().nullable(),
    lastMessage: z.string().nullable(),
    lastResult: z.unknown(),
    marker: z.string().nullable(),
    markerAttribute: z.string().nullable(),
    nextMode: z.object({ mode: z.string(), reason: z.string() }).nullable(),
    openConflicts: z.number().int(),
  })
  .meta({ id: 'LdapSiteStatus' });

export const SearchHitSchema = z
  .object({
    externalId: z.string().meta({ description: 'The entry’s identity: what import takes (a DN works too)' }),
    dn: z.string(),
    displayName: z.string(),
    uid: z.string().nullable(),
    detail: z.string(),
  })
  .meta({ id: 'LdapSearchHit' });

export const ConflictSchema = z
  .object({
    id: z.uuid(),
    siteId: z.uuid(),
    kind: z.enum(['duplicate', 'other-source']),
    uid: z.string(),
    entry: z
      .object({ identity: z.string(), dn: z.string(), name: z.string(), data: z.record(z.string(), z.unknown()).meta({ description: 'The contact fields mapped from the entry: ContactCreate without siteId, source and externalId' }) })
      .meta({ description: 'The entry that was held back' }),
    other: z.object({ contactId: z.uuid(), source: z.string(), externalId: z.string().nullable(), name: z.string() }).meta({ description: 'The contact that already holds the uid' }),
    status: z.enum(['open', 'resolved', 'gone']),
    resolution: z.enum(['keep', 'overwrite', 'link']).nullable(),
    detectedAt: z.string(),
    lastSeenAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
  })
  .meta({ id: 'LdapConflict' });

export const ImportResultSchema = z.object({ contact: ContactSchema, created: z.boolean() });
export const ResolveResultSchema = z.object({ conflict: ConflictSchema, contact: ContactSchema.nullable() });

// ---- the schemas describe what the service returns ----

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Check<T extends true> = T;
export type _SchemasMatchTheService = [
  Check<Same<z.output<typeof ProbeReportSchema>, ProbeReport>>,
  Check<Same<z.output<typeof LdapSyncOutcomeSchema>, LdapSyncOutcome>>,
  Check<Same<z.output<typeof SearchHitSchema>, SearchHit>>,
  Check<Same<z.output<typeof SiteStatusSchema>, SiteStatus>>,
  Check<Same<Omit<z.output<typeof ConflictSchema>, 'entry'>, Omit<ConflictDto, 'entry'>>>,
  Check<Same<Omit<z.output<typeof ConflictSchema>['entry'], 'data'>, Omit<ConflictDto['entry'], 'data'>>>,
];
