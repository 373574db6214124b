/** The plugin's status line for the FastAGI server: where it listens and its live sessions. */
import type { HealthCheck } from '@dialbook/core';
import type { AgiServer } from './server.js';

export function agiHealth(server: AgiServer, maxConnections: number): HealthCheck {
  return {
    id: 'agi',
    label: 'FastAGI server',
    async check() {
      const a = server.address;
      if (!a) return { ok: false, message: 'not listening' };
      const s = server.stats();
      const full = s.active >= maxConnections;
      return {
        ok: !full,
        message: `listening on ${a.host}:${a.port}; ${s.active} of ${maxConnections} sessions live${full ? ' (full: new calls are refused)' : ''}; ${s.accepted} accepted, ${s.rejected} refused at the limit, ${s.timedOut} timed out, ${s.protocolErrors} not AGI, ${s.handlerErrors} failed`,
      };
    },
  };
}
