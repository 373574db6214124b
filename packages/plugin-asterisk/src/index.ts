/**
 * @dialbook/plugin-asterisk — Asterisk as a route executor: a FastAGI server that Asterisk's
 * dialplan calls for each inbound call. (PJSIP realtime tables and CDR ingestion come next.)
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
import { coreRouting } from './routing/core-routing.js';
import { trunkCache } from './routing/trunk-cache.js';

export { AsteriskOptionsSchema, AgiOptionsSchema, AraOptionsSchema, CdrOptionsSchema, FailoverSchema, type AsteriskOptions, type AgiOptions, type AraOptions, type CdrOptions, type Failover } from './options.js';
export { AsteriskError, isAsteriskError, type AsteriskErrorCode } from './errors.js';
export { encodeCommand, encodeExec, quoteArg, parseResponse, parseEnv, ResponseReader, LineDecoder, HANGUP_LINE, MAX_LINE_LENGTH, MAX_HEADER_LINES, MAX_USAGE_LINES, type AgiEnv, type AgiResponse, type ReaderEvent } from './agi/protocol.js';
export { createAgiServer, type AgiServer, type AgiServerOptions } from './agi/server.js';
export type { AgiSession, AgiHandler, AgiStats, HangupReason } from './agi/session.js';
export { routeCall, type RouteCallOptions } from './agi/route-call.js';
export { callInput, type CallInput } from './agi/call-input.js';
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

/** The plugin as a value. The default export is `createAsteriskPlugin()`. */
export function createAsteriskPlugin(hooks: AsteriskPluginHooks = {}) {
  return definePlugin({
    name: 'asterisk',
    version: '0.1.0',
    description: 'Asterisk: FastAGI route executor',
    options: AsteriskOptionsSchema,

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
      return { server, routing, araSync };
    },

    async start(_ctx, { server, araSync }) {
      await server.listen();
      // Schema and full resync; a failure is logged and shown in health, and never stops start-up.
      await araSync?.start();
    },

    async stop(_ctx, { server, routing, araSync }) {
      await server.close();
      routing.stop();
      await araSync?.stop();
    },
  });
}

export default createAsteriskPlugin();
