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

export { AsteriskOptionsSchema, AgiOptionsSchema, FailoverSchema, type AsteriskOptions, type AgiOptions, type Failover } from './options.js';
export { AsteriskError, isAsteriskError, type AsteriskErrorCode } from './errors.js';
export { encodeCommand, encodeExec, quoteArg, parseResponse, parseEnv, ResponseReader, LineDecoder, HANGUP_LINE, MAX_LINE_LENGTH, MAX_HEADER_LINES, MAX_USAGE_LINES, type AgiEnv, type AgiResponse, type ReaderEvent } from './agi/protocol.js';
export { createAgiServer, type AgiServer, type AgiServerOptions } from './agi/server.js';
export type { AgiSession, AgiHandler, AgiStats, HangupReason } from './agi/session.js';
export { routeCall, type RouteCallOptions } from './agi/route-call.js';
export { callInput, type CallInput } from './agi/call-input.js';
export type { Decide, Decision, DialTarget, ReportRoute, RouteEvent, RouteResult } from './agi/decision.js';

/**
 * Until core's routing area offers a decision, no call has targets: each gets the failover.
 * (The seam: `createAsteriskPlugin({ decide })`.)
 */
const noRouting: Decide = async () => ({ targets: [] });

export interface AsteriskPluginHooks {
  /** Where decisions come from (default: none yet, so every call gets the failover). */
  decide?: Decide;
  /** Where attempt / answered / ended / abandoned go (default: nowhere). */
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
      const handler = routeCall({ decide: hooks.decide ?? noRouting, ...(hooks.report ? { report: hooks.report } : {}), decisionTimeoutMs: agi.decisionTimeoutMs, failover: agi.failover, logger });
      // Made here, listening only from start: setup does no I/O.
      const server = createAgiServer({ host: agi.host, port: agi.port, maxConnections: agi.maxConnections, idleTimeoutMs: agi.idleTimeoutMs, drainTimeoutMs: agi.drainTimeoutMs, logger, handler });
      const health = agiHealth(server, agi.maxConnections);
      ctx.health.register(health);
      ctx.routing.registerExecutor({ id: ctx.id, label: 'Asterisk (FastAGI)', health: () => health.check() });
      return { server };
    },

    async start(_ctx, { server }) {
      await server.listen();
    },

    async stop(_ctx, { server }) {
      await server.close();
    },
  });
}

export default createAsteriskPlugin();
