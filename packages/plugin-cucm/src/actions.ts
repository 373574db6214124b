/**
 * The plugin's buttons: "Test connection" (per site), and on a contact "Fetch PIN from CUCM",
 * "Refresh phones", "Email PIN", plus the bulk "Email PIN to every contact with one". Results
 * and messages name FACs and addresses, never a PIN.
 */
import type { ActionResult } from '@dialbook/core';
import { emailPin } from './mail.js';
import { fetchPin, PIN_KEY, problemResult } from './pin.js';
import type { CucmRuntime } from './runtime.js';

export function registerActions(rt: CucmRuntime, enricherId: string): void {
  const { ctx } = rt;
  const configuredSiteIds = async () => (await rt.configuredSites()).map((s) => s.site.id);

  ctx.actions.register({
    id: 'test',
    label: 'Test connection',
    description: 'Check DNS, TCP, TLS, the AXL login, the schema version, the AXL permission and RisPort with the site’s settings; says which step failed',
    sites: configuredSiteIds,
    async run({ siteId }): Promise<ActionResult> {
      if (siteId) {
        const report = await rt.test(siteId);
        return { ok: report.ok, message: report.message, data: report };
      }
      const shared = await rt.test(null);
      if (shared.failed !== 'settings') return { ok: shared.ok, message: shared.message, data: shared };
      const sites = await rt.configuredSites();
      if (!sites.length) return { ok: false, message: `not set up: ${shared.message}`, data: shared };
      const reports = await Promise.all(sites.map(async ({ site }) => ({ site: site.slug, report: await rt.test(site.id) })));
      return { ok: reports.every((r) => r.report.ok), message: reports.map((r) => `site "${r.site}": ${r.report.message}`).join('\n'), data: reports };
    },
  });

  ctx.actions.register({
    id: 'fetch-pin',
    label: 'Fetch PIN from CUCM',
    description: "Find the person's forced authorization code in CUCM and keep it as their PIN",
    scope: 'contact',
    sites: configuredSiteIds,
    run: (input) => fetchPin(rt, input),
  });

  ctx.actions.register({
    id: 'refresh-phones',
    label: 'Refresh phones',
    description: "Read the person's phones (and PIN) from CUCM again",
    scope: 'contact',
    sites: configuredSiteIds,
    async run({ contactId, siteId }) {
      try {
        const settings = await rt.settingsFor(siteId);
        if (!settings.enrich) return { ok: false, message: 'CUCM enrichment is turned off for this site (setting enrich).' };
        const report = await ctx.contacts.enrich(siteId, [contactId], { only: enricherId });
        if (report.pending.length) return { ok: false, message: `CUCM could not be asked: ${report.pending[0]!.reason} The contact is retried in the background.` };
        return { ok: true, message: report.changed ? 'Phones and PIN refreshed from CUCM.' : 'Phones and PIN are up to date.', data: { changed: report.changed > 0 } };
      } catch (err) {
        return problemResult(err);
      }
    },
  });

  const when = { hasEmail: true, hasAttribute: [PIN_KEY] };
  ctx.actions.register({ id: 'email-pin', label: 'Email PIN', description: 'E-mail the person their PIN (template "CUCM: PIN mail")', scope: 'contact', when, run: (input) => emailPin(rt, input) });
  ctx.actions.register({
    id: 'email-pins',
    label: 'Email PIN to every contact with one',
    description: 'E-mail each contact of a phonebook or filter who has a PIN and an e-mail address their PIN; a report line per contact',
    scope: 'contacts',
    when,
    run: (input) => emailPin(rt, input),
  });
}
