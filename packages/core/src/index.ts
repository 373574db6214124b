/**
 * @dialbook/core — the public API plugins and deployments build on.
 * Anything not exported here is internal and may change without notice.
 */
import 'reflect-metadata';
// Every area's module: what it adds to HookEvents, HookFilters and PluginContext (declaration merging).
import './app/modules.js';
import './sites/module.js';
import './notifications/module.js';
import './jobs/module.js';
import './contacts/module.js';
import './phonebooks/module.js';
import './settings/module.js';
import './mail/module.js';
import './audit/module.js';
import './accounts/module.js';
import './credentials/module.js';
import './directory/module.js';
import './vendors/module.js';
import './calls/module.js';
import './routing/module.js';
import './host/module.js';
import './host/context.js';
import './hooks/cluster.js';

export { definePlugin, isPlugin, PLUGIN_BRAND, type DialbookPlugin, type PluginDefinition } from './plugin/define.js';
export { PLUGIN_APPLICABLE, PLUGIN_EMITTABLE, type PluginContext, type PluginHooks } from './plugin/context.js';
export type { SyncRequest, SyncResult } from './plugin/sources.js';
export type { ContactSource, SourceEntry } from './contacts/contracts.js';
export type { ContactEnricher, EnrichBatch, EnrichOutcome, EnrichReason, EnrichReport } from './contacts/enrichers.js';
export type { SecretAttribute, SecretMarker } from './contacts/secrets.js';
export type { AttributeImport, AttributeImportColumn, ImportMatch, ImportPreview, ImportResult } from './contacts/attribute-import.js';
export type { DirectoryContact, DirectoryInput, DirectoryLookupInput, DirectoryProvisioningInput, DirectoryRenderer, RenderedDirectory } from './directory/contracts.js';
export type { CallMedia, CallSource, CallSyncRequest } from './calls/contracts.js';
export type { CallDto, CallCreate, CallUpdate, CallListQuery, CallPage, CallRecordInput, CallUpsertResult, CallItemResult, CallDirection, CallStatus } from './calls/types.js';
export type { RouteExecutor } from './routing/contracts.js';
export type { ActionCondition, ActionInput, ActionResult, ContactAction, ContactActionInput, HealthCheck, PluginAction, PluginButtonAction } from './host/contracts.js';
export type { PluginHttpApp } from './host/context.js';
export type { PluginView, ViewColumnKind } from './host/views.js';
// The façades each area offers on `ctx` (declared by the areas, merged into PluginContext).
export type { ContactsApi } from './contacts/module.js';
export type { SitesApi } from './sites/module.js';
export type { PluginUser, UsersApi } from './accounts/module.js';
export type { PhonebooksApi } from './phonebooks/module.js';
export type { NotificationsApi } from './notifications/module.js';
export type { JobsApi } from './jobs/module.js';
export type { DirectoryApi } from './directory/module.js';
export type { CallsApi } from './calls/module.js';
export type { RoutingApi } from './routing/module.js';
export type { Decision as RoutingDecision, Target as RoutingTarget, Skipped as RoutingSkipped, RejectReason as RoutingRejectReason } from './routing/model.js';
export type { EndedStatus as RoutingEndedStatus, SlotDto as RoutingSlot } from './routing/engine.js';
export type { Trunk as RoutingTrunk } from './routing/clients.js';
export type { ClientChange as RoutingClientChange } from './routing/events.js';
export { Registry } from './base/registry.js';
export { Tokens } from './plugin/tokens.js';
export { defineConfig, type DialbookConfig, type ResolvedConfig } from './config/schema.js';
export { loadConfig } from './config/load.js';
export { HookBus, type EventListener, type FilterHandler, type HookOptions } from './hooks/bus.js';
export type { HookEvents, HookFilters, FilterContext, EventName, FilterName } from './hooks/types.js';
export { DialbookError, isDialbookError } from './base/errors.js';
export { type Actor, systemActor, anonymousActor, pluginActor } from './base/actor.js';
export * from './contacts/types.js';
export { SiteSchema, type SiteDto, type SiteCreate } from './sites/types.js';
export { PhonebookSchema, type PhonebookDto, type PhonebookCreate } from './phonebooks/types.js';
export { normaliseNumber, type NormalisedNumber } from './base/phone.js';
export { fold } from './base/text.js';
export { parseUserAgent } from './directory/user-agent.js';
export type { DeviceInfo, DirectoryServed } from './directory/types.js';
export type { DirectoryService, RenderedBytes } from './directory/service.js';
export type { NotificationDto } from './notifications/service.js';
export type { AuditEventDto } from './audit/service.js';
export { Dialbook, createDialbook } from './app/dialbook.js';
export type { SourceItem, SourceItemResult, UpsertResult } from './contacts/service.js';
export { listen, type RunningServer } from './app/server.js';
export { createApp } from './app/http.js';
export { createLogger, type Logger } from './base/logger.js';
// ---- settings and mail ----
export { secret } from './settings/schema.js';
export type { SettingCategory, SettingScope } from './settings/category.js';
export type { SettingsService, SettingsView, CategoryInfo } from './settings/service.js';
export type { MailService, MailInput, MailRecipient, RecipientsProvider, OutboxItem, TemplateView } from './mail/service.js';
export { PLACEHOLDERS, TEMPLATE_IDS, type TemplateData, type TemplateId, type MailTemplate, type MailValue } from './mail/templates.js';
export type { PluginMailTemplate, TemplateInfo } from './mail/catalogue.js';
export type { MailApi } from './mail/module.js';
export type { EmailSettings } from './mail/settings.js';
export { z } from 'zod';
// ---- documented HTTP routes (plugins: ctx.http.route(path, router)) ----
export { createRouter } from './http/openapi.js';
export { acceptsUpload } from './http/body-limit.js';
export { createRoute, type OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
export { errors, json, problemResponse, body as jsonBody } from './http/common.js';
export { ProblemSchema, type Problem } from './http/problem.js';
export type { AppEnv } from './http/env.js';
export type { Progress, ScheduledJob, JobState } from './jobs/service.js';
/** For plugins that own tables: declare entities and write migrations with core's copy of MikroORM. */
export { defineEntity, p, type EntityManager } from '@mikro-orm/core';
export { Migration } from '@mikro-orm/migrations';
