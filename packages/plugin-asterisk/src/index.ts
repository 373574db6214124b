/**
 * @dialbook/plugin-asterisk — Asterisk as a route executor: a FastAGI server that Asterisk's
 * dialplan calls for each inbound call (routed by core's routing), the routing clients' trunks in
 * Asterisk's PJSIP realtime tables (ARA, PostgreSQL), and Asterisk's CDRs in the call log.
 *
 * ```yaml
 * plugins:
 *   asterisk:
 *     package: '@dialbook/plugin-asterisk'
 *     options:
 *       agi: { host: 127.0.0.1, port: 4573, failover: { type: playback, file: ss-noservice } }
 * ```
 */
import { definePlugin } from '@dialbook/core';
import type { Decide, ReportRoute } from './agi/decision.js';
import { agiHealth } from './agi/health.js';
import { routeCall } from './agi/route-call.js';
import { createAgiServer } from './agi/server.js';
import { AsteriskOptionsSchema } from './options.js';
import { araHealth } from './ara/health.js';
import { AraSync } from './ara/sync.js';
import { cdrHealth } from './cdr/health.js';
import { cdrLoop } from './cdr/loop.js';
import { CdrPoller } from './cdr/poller.js';
import { CursorStore, entities, migrations } from './cdr/store.js';
import { configRoutes } from './config/routes.js';
import { coreRouting } from './routing/core-routing.js';
import { trunkCache } from './routing/trunk-cache.js';

export { AsteriskOptionsSchema, AgiOptionsSchema, AraOptionsSchema, CdrOptionsSchema, FailoverSchema, type AsteriskOptions, type AgiOptions, type AraOptions, type CdrOptions, type Failover } from './options.js';
export { AsteriskError, isAsteriskError, type AsteriskErrorCode } from './errors.js';
export { encodeCommand, encodeExec, quoteArg, parseResponse, parseEnv, ResponseReader, LineDecoder, HANGUP_LINE, MAX_LINE_LENGTH, MAX_HEADER_LINES, MAX_USAGE_LINES, type AgiEnv, type AgiResponse, type ReaderEvent } from './agi/protocol.js';
export { createAgiServer, type AgiServer, type AgiServerOptions } from './agi/server.js';
export type { AgiSession, AgiHandler, AgiStats, HangupReason } from './agi/session.js';
export { routeCall, type RouteCallOptions } from './agi/route-call.js';
export { callInput, type CallInput } from './agi/call-input.js';
export { configSnippets, agiAddress, type ConfigSnippet } from './config/snippets.js';
export { cdrToCall, parseClid, type CdrRow } from './cdr/mapping.js';
export { CdrPoller, type CdrPollerOptions, type CdrStats } from './cdr/poller.js';
export { AraSync, rowProblem, type AraSyncOptions, type AraStatus } from './ara/sync.js';
export { trunkRows, contactUri, type EndpointDefaults, type TrunkRows } from './ara/rows.js';
export { ENUMS as ARA_ENUMS, TABLES as ARA_TABLES, schemaStatements, type AraTable } from './ara/schema.js';
export { coreRouting, endedStatus, type CoreRoutingOptions } from './routing/core-routing.js';
export { dialNumber, dialResource, endpointId, clientIdOf, OWNED_PREFIX } from './routing/dial-string.js';
export { trunkCache, type TrunkCache } from './routing/trunk-cache.js';
export type { Decide, Decision, DialTarget, ReportRoute, RouteEvent, RouteResult } from './agi/decision.js';

export interface AsteriskPluginHooks {
  /** Where decisions come from (default: core's routing, `ctx.routing.decide`, with dial strings on the clients' trunks). */
  decide?: Decide;
  /** Where attempt / answered / ended / finished go (default: core's routing counters). */
  report?: ReportRoute;
}

/** The call source (and call-log `source`) of CDR records. */
export const CDR_SOURCE = 'asterisk';

/** The plugin as a value. The default export is `createAsteriskPlugin()`. */
export function createAsteriskPlugin(hooks: AsteriskPluginHooks = {}) {
  return definePlugin({
    name: 'asterisk',
    version: '0.1.0',
    description: 'Asterisk: FastAGI route executor, PJSIP realtime (ARA) trunks, CDR call source',
    options: AsteriskOptionsSchema,
    entities,
    migrations,

    setup(ctx) {
      const { agi } = ctx.options;
      const logger = ctx.logger.child({ part: 'agi' });
      const trunks = trunkCache(() => ctx.routing.trunks());
      ctx.hooks.on('routing.client.changed', () => trunks.invalidate());
      const routing = coreRouting({ routing: ctx.routing, trunks, logger });
      const handler = routeCall({ decide: hooks.decide ?? routing.decide, report: hooks.report ?? routing.report, decisionTimeoutMs: agi.decisionTimeoutMs, failover: agi.failover, logger });
      // Made here, listening only from start: setup does no I/O.
      const server = createAgiServer({ host: agi.host, port: agi.port, maxConnections: agi.maxConnections, idleTimeoutMs: agi.idleTimeoutMs, drainTimeoutMs: agi.drainTimeoutMs, logger, handler });
      const health = agiHealth(server, agi.maxConnections);
      ctx.health.register(health);
      ctx.routing.registerExecutor({ id: ctx.id, label: 'Asterisk (FastAGI)', health: () => health.check() });

      const { ara } = ctx.options;
      const araSync = ara.databaseUrl
        ? new AraSync({ databaseUrl: ara.databaseUrl, defaults: { context: ara.context, transports: ara.transports, qualifyFrequency: ara.qualifyFrequency }, trunks: () => ctx.routing.trunks(), logger: ctx.logger.child({ part: 'ara' }) })
        : null;
      ctx.health.register(araHealth(araSync, ara.databaseUrl, ctx.db.dialect));
      if (araSync) ctx.hooks.on('routing.client.changed', ({ clientId }) => araSync.clientChanged(clientId));
      // Events are local to an instance: after the relay between instances reconnects (changes may have been missed), read everything again.
      ctx.hooks.on('cluster.resync', async () => {
        trunks.invalidate();
        await araSync?.resync();
      });

      const { cdr } = ctx.options;
      let poller: CdrPoller | null = null;
      if (cdr.databaseUrl) {
        const siteId = async () => {
          if (cdr.site) {
            const site = await ctx.sites.findBySlug(cdr.site);
            if (!site) throw new Error(`cdr.site "${cdr.site}" is not a site's slug`);
            return site.id;
          }
          const sites = await ctx.sites.list();
          if (sites.length !== 1) throw new Error(`set cdr.site: there are ${sites.length} sites, so the one CDR calls go to is not clear`);
          return sites[0]!.id;
        };
        poller = new CdrPoller({ databaseUrl: cdr.databaseUrl, table: cdr.table, batchSize: cdr.batchSize, settleSeconds: cdr.settleSeconds, calls: ctx.calls, source: CDR_SOURCE, siteId, cursor: new CursorStore(() => ctx.db.em(), ctx.id), logger: ctx.logger.child({ part: 'cdr' }) });
        ctx.calls.registerSource({ id: CDR_SOURCE, label: 'Asterisk (CDR)' });
      }
      ctx.health.register(cdrHealth(poller, cdr.databaseUrl, cdr.table));
      const cdrPolls = poller ? cdrLoop(poller, cdr.pollIntervalMs, ctx.logger.child({ part: 'cdr' })) : null;
      ctx.http.route('/', configRoutes(ctx.options, () => server.address?.port), { access: 'staff' });
      ctx.views.register({
        id: 'asterisk-config',
        label: 'Asterisk configuration',
        description: 'The files that point Asterisk at Dialbook: FastAGI in the dialplan, PJSIP realtime (ARA) and CDRs. Database passwords are not shown: take them from the plugin options.',
        scope: 'global',
        path: '/asterisk-config',
        columns: [
          { key: 'file', label: 'File', kind: 'badge' },
          { key: 'purpose', label: 'What it does' },
          { key: 'content', label: 'Content (copy into /etc/asterisk)', kind: 'code' },
        ],
        access: 'staff',
      });
      return { server, routing, araSync, poller, cdrPolls };
    },

    async start(_ctx, { server, araSync, cdrPolls }) {
      await server.listen();
      // Schema and full resync; a failure is logged and shown in health, and never stops start-up.
      await araSync?.start();
      cdrPolls?.start();
    },

    async stop(_ctx, { server, routing, araSync, poller, cdrPolls }) {
      await cdrPolls?.stop();
      await poller?.close();
      await server.close();
      routing.stop();
      await araSync?.stop();
    },
  });
}

export default createAsteriskPlugin();
