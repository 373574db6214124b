import { Registry } from '../base/registry.js';
import { CoreTokens, defineModule, provide, token } from '../module.js';
import { SettingsToken } from '../settings/module.js';
import { campaignRoutes } from './campaign-routes.js';
import { CampaignService } from './campaigns.js';
import { clientRoutes } from './client-routes.js';
import { ClientService, type Trunk } from './clients.js';
import type { RouteExecutor } from './contracts.js';
import { didRoutes } from './did-routes.js';
import { DidService } from './dids.js';
import { routingEntities } from './entities.js';
import { linkRoutes } from './link-routes.js';
import { LinkService } from './links.js';
import { migrations } from './migrations.js';
import { engineRoutes } from './engine-routes.js';
import { RoutingEngine, type EndedStatus, type SlotDto } from './engine.js';
import type { Decision } from './model.js';
import { CredentialsToken } from '../credentials/module.js';
import { insightRoutes } from './insight-routes.js';
import { LiveCounterReader } from './live.js';
import { CallSourcesToken, CallsToken } from '../calls/module.js';
import { SitesToken } from '../sites/module.js';
import { ROUTING_SOURCE, RoutingCallLog } from './call-log.js';
import { logCallRoutes } from './log-call-routes.js';
import { reportRoutes } from './report-routes.js';
import type { MikroORM } from '@mikro-orm/core';
import type { DependencyContainer } from 'tsyringe';
import { AccountsToken } from '../accounts/module.js';
import type { RoutingDemoDeps } from './demo.js';
import { RoutingReports } from './reports.js';

/** The registered route executors (Asterisk FastAGI). */
export const RouteExecutorsToken = token<Registry<RouteExecutor>>('routing.executors');
/** Routing clients (call centres), admin and staff only. */
export const RoutingClientsToken = token<ClientService>('routing.clients');
/** Sellers' campaigns. */
export const RoutingCampaignsToken = token<CampaignService>('routing.campaigns');
/** Sellers' DIDs. */
export const RoutingDidsToken = token<DidService>('routing.dids');
/** Campaign ↔ client links. */
export const RoutingLinksToken = token<LinkService>('routing.links');

/** Decisions and the call lifecycle for telephony engines (its `clock` drives time in tests). */
export const RoutingEngineToken = token<RoutingEngine>('routing.engine');
/** Routed calls into the call log (source `routing`), and the engines' CDRs (`POST /api/internal/log_call`). */
export const RoutingCallLogToken = token<RoutingCallLog>('routing.callLog');
/** Seller reports over routed calls. */
export const RoutingReportsToken = token<RoutingReports>('routing.reports');

/** What the routing demo seed needs, from the container (`app/seed.ts`). */
export const routingDemoDeps = (c: DependencyContainer, orm: MikroORM): Omit<RoutingDemoDeps, 'logger'> => ({
  orm, accounts: c.resolve(AccountsToken), clients: c.resolve(RoutingClientsToken), campaigns: c.resolve(RoutingCampaignsToken), dids: c.resolve(RoutingDidsToken), links: c.resolve(RoutingLinksToken),
});

/** The façade plugins get as `ctx.routing` (telephony call routing; "routes" stays the word for HTTP). */
export interface RoutingApi {
  registerExecutor(executor: RouteExecutor): void;
  /**
   * The decision for a call on a DID (what `POST /routing/decide` answers an engine token), for a
   * telephony plugin in this process: the ordered targets with their ring timeouts, or a reject with its reason.
   */
  decide(input: { did: string; caller: string | null; callId: string }): Promise<Decision>;
  /** A target is being rung: takes a concurrency slot (refused with `DIALBOOK_ROUTING_*` when a cap is reached) and counts the attempt. */
  attempt(callId: string, clientId: string): Promise<SlotDto>;
  /** The target answered: counts the connection and renews the slot's lease. */
  answered(callId: string): Promise<{ leaseExpiresAt: string | null }>;
  /** The call is still up: renews the slot's lease. */
  renew(callId: string): Promise<{ leaseExpiresAt: string }>;
  /** The call ended: gives the slot back and counts the totals once per call id. */
  ended(callId: string, status: EndedStatus, talkSeconds: number): Promise<{ converted: boolean }>;
  /**
   * The enabled clients' SIP connection data with the password decrypted, for plugins that
   * provision trunks (Asterisk's PJSIP realtime rows). Only plugins get it, never HTTP. Pair it
   * with the `routing.client.changed` event.
   */
  trunks(): Promise<Trunk[]>;
}

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly routing: RoutingApi;
  }
}

/**
 * Routing (issue 15): clients that buy calls, sellers' DIDs and campaigns, the links between
 * campaigns and clients with their caps and hours, and where route executors register.
 * Sellers (role `user`) see only their own DIDs, campaigns and links (another seller's ids are
 * 404); clients are administered by admin and staff.
 */
export const routingModule = defineModule({
  name: 'routing',
  entities: routingEntities,
  migrations,
  register: (c) => {
    provide(c, RouteExecutorsToken, () => new Registry<RouteExecutor>('route executor'));
    provide(c, RoutingClientsToken, (r) => new ClientService(r.resolve(CoreTokens.Orm), r.resolve(SettingsToken).secretBox, r.resolve(CoreTokens.Hooks)));
    provide(c, RoutingCampaignsToken, (r) => new CampaignService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks)));
    provide(c, RoutingDidsToken, (r) => new DidService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Config).defaultCountry ?? null, r.resolve(CoreTokens.Hooks)));
    provide(c, RoutingLinksToken, (r) => new LinkService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Hooks)));
    provide(c, RoutingEngineToken, (r) => new RoutingEngine({ orm: r.resolve(CoreTokens.Orm), hooks: r.resolve(CoreTokens.Hooks), defaultCountry: r.resolve(CoreTokens.Config).defaultCountry ?? null }));
    provide(c, RoutingCallLogToken, (r) => {
      r.resolve(CallSourcesToken).register(ROUTING_SOURCE, 'core'); // built in, like `manual` and `phone_import`
      const callLog = new RoutingCallLog({ orm: r.resolve(CoreTokens.Orm), calls: r.resolve(CallsToken), sites: r.resolve(SitesToken), defaultCountry: r.resolve(CoreTokens.Config).defaultCountry ?? null, logger: r.resolve(CoreTokens.Logger).child({ area: 'routing' }) });
      r.resolve(CoreTokens.Hooks).on('route.call.ended', ({ callId, converted }) => callLog.record(callId, converted).then(() => undefined), { owner: 'core' });
      return callLog;
    });
    provide(c, RoutingReportsToken, (r) => new RoutingReports(r.resolve(CoreTokens.Orm)));
  },
  policies: [
    ['GET', '/routing/clients', 'staff'],
    ['POST', '/routing/clients', 'staff'],
    ['GET', '/routing/clients/:id', 'staff'],
    ['PATCH', '/routing/clients/:id', 'staff'],
    ['DELETE', '/routing/clients/:id', 'staff'],
    ['GET', '/routing/campaigns', 'user'],
    ['POST', '/routing/campaigns', 'user'],
    ['GET', '/routing/campaigns/:id', 'user'],
    ['PATCH', '/routing/campaigns/:id', 'user'],
    ['DELETE', '/routing/campaigns/:id', 'user'],
    ['GET', '/routing/campaigns/:id/links', 'user'],
    ['GET', '/routing/dids', 'user'],
    ['POST', '/routing/dids', 'user'],
    ['POST', '/routing/dids/bulk', 'user'],
    ['GET', '/routing/dids/:id', 'user'],
    ['PATCH', '/routing/dids/:id', 'user'],
    ['DELETE', '/routing/dids/:id', 'user'],
    ['POST', '/routing/links', 'staff'],
    ['GET', '/routing/links/:id', 'user'],
    ['PATCH', '/routing/links/:id', 'staff'],
    ['DELETE', '/routing/links/:id', 'staff'],
    // The engine API: public here, guarded by its own engine-token check (engine-auth.ts), never a user session.
    ['POST', '/routing/decide', 'public'],
    ['POST', '/routing/calls/:id/attempt', 'public'],
    ['POST', '/routing/calls/:id/answered', 'public'],
    ['POST', '/routing/calls/:id/renew', 'public'],
    ['POST', '/routing/calls/:id/ended', 'public'],
    ['POST', '/routing/decisions/preview', 'user'],
    ['GET', '/routing/campaigns/:id/counters', 'user'],
    ['GET', '/routing/reports/calls', 'user'],
    ['GET', '/routing/reports/calls/export', 'user'],
    ['GET', '/routing/reports/summary', 'user'],
  ],
  routes: (c) => [
    clientRoutes(c.resolve(RoutingClientsToken)),
    campaignRoutes(c.resolve(RoutingCampaignsToken), c.resolve(RoutingLinksToken)),
    didRoutes(c.resolve(RoutingDidsToken)),
    linkRoutes(c.resolve(RoutingLinksToken)),
    engineRoutes(c.resolve(RoutingEngineToken), c.resolve(CredentialsToken)),
    insightRoutes(c.resolve(RoutingEngineToken), new LiveCounterReader(c.resolve(CoreTokens.Orm), () => c.resolve(RoutingEngineToken).clock())),
    reportRoutes(c.resolve(RoutingReportsToken)),
  ],
  // The seed's CDR endpoint, outside /api/v1 (engine token only).
  rootRoutes: (c) => logCallRoutes(c.resolve(RoutingCallLogToken), c.resolve(CredentialsToken)),
  facade: (c, plugin): { routing: RoutingApi } => {
    const executors = c.resolve(RouteExecutorsToken);
    const engine = () => c.resolve(RoutingEngineToken);
    return {
      routing: {
        registerExecutor: (executor) => void executors.register(executor, plugin.id),
        decide: (input) => engine().decide(input),
        attempt: (callId, clientId) => engine().attempt(callId, clientId),
        answered: (callId) => engine().answered(callId),
        renew: (callId) => engine().renew(callId),
        ended: (callId, status, talkSeconds) => engine().ended(callId, status, talkSeconds),
        trunks: () => c.resolve(RoutingClientsToken).trunks(),
      },
    };
  },
});
