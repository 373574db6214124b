/**
 * `@dialbook/core/vendor-protocol`: what a remote vendor service needs to talk to core —
 * the frame schemas (shared by both sides) and the client that connects, registers,
 * reconnects and heartbeats. Core's own side (hub, states, API) is internal.
 */
export * from './protocol.js';
export { backoffDelay, VendorServiceClient, type BackoffOptions, type ClientLogger, type ConfigureMessage, type EnablementMessage, type PhonebookUpdateMessage, type StatusAnswer, type VendorClientHandlers, type VendorClientOptions } from './client.js';
