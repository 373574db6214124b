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
