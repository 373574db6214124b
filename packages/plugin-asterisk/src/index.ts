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
import { AsteriskOptionsSchema } from './options.js';

export { AsteriskOptionsSchema, AgiOptionsSchema, FailoverSchema, type AsteriskOptions, type AgiOptions, type Failover } from './options.js';
export { AsteriskError, isAsteriskError, type AsteriskErrorCode } from './errors.js';
export { encodeCommand, encodeExec, quoteArg, parseResponse, parseEnv, ResponseReader, LineDecoder, HANGUP_LINE, MAX_LINE_LENGTH, MAX_HEADER_LINES, MAX_USAGE_LINES, type AgiEnv, type AgiResponse, type ReaderEvent } from './agi/protocol.js';
export { createAgiServer, type AgiServer, type AgiServerOptions } from './agi/server.js';
export type { AgiSession, AgiHandler, AgiStats, HangupReason } from './agi/session.js';

/** The plugin as a value. */
export function createAsteriskPlugin() {
  return definePlugin({
    name: 'asterisk',
    version: '0.1.0',
    description: 'Asterisk: FastAGI route executor',
    options: AsteriskOptionsSchema,
    setup() {},
  });
}

export default createAsteriskPlugin();
