/** The plugin's status line: per set-up site, whether its webhooks are signed (unsigned delivery is a warning). */
import type { HealthCheck } from '@dialbook/core';
import type { PlacetelRuntime } from './runtime.js';
import { signingBadge } from './site-rows.js';

export function healthCheck(rt: PlacetelRuntime): HealthCheck {
  return {
    id: 'webhooks',
    label: 'Placetel webhooks',
    async check() {
      const sites = await rt.configuredSites();
      if (!sites.length) return { ok: true, message: 'not set up for any site' };
      const lines = sites.map(({ site, settings }) => ({ ok: !!settings.secret, line: `site "${site.slug}": ${signingBadge(settings).label}${settings.apiKey ? ', API key set' : ''}` }));
      return { ok: lines.every((l) => l.ok), message: lines.map((l) => l.line).join('\n') };
    },
  };
}
