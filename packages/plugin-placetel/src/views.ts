/**
 * The admin app's Placetel pages, as metadata (`ctx.views.register`): the app GETs the route
 * and shows the rows by `columns` — no Placetel code in the web app.
 * - "Placetel webhooks": per site the webhook URL to paste into Placetel, signing (UNSIGNED in
 *   red, with the warning in the page's note), API key and call control;
 * - "Placetel back-fill": a window (site, start, end) read from the REST API as a tracked job.
 */
import type { PluginView } from '@dialbook/core';
import type { Ctx } from './runtime.js';

export const VIEWS: PluginView[] = [
  {
    id: 'webhooks',
    label: 'Placetel webhooks',
    description: "Paste a site's webhook URL into Placetel (Settings → External APIs → Notify API, per number) with the site's shared secret. Test and back-fill buttons are on the plugins page.",
    scope: 'global',
    path: '/sites',
    columns: [
      { key: 'site', label: 'Site' },
      { key: 'webhookUrl', label: 'Webhook URL (paste into Placetel)', kind: 'code' },
      { key: 'signing', label: 'Signing', kind: 'badge' },
      { key: 'warning', label: 'Warning' },
      { key: 'restApi', label: 'REST API', kind: 'badge' },
      { key: 'callControl', label: 'Call control', kind: 'badge' },
      { key: 'numbers', label: 'Numbers', kind: 'list' },
    ],
    access: 'staff',
  },
  {
    id: 'backfill',
    label: 'Placetel back-fill',
    description: "Read a site's calls of a window from Placetel's REST API (a tracked job); calls known from webhooks are merged, never duplicated.",
    scope: 'global',
    path: '/backfill',
    params: [
      { name: 'site', label: 'Site (slug)', placeholder: 'main', required: true },
      { name: 'start', label: 'Start (ISO 8601 with offset, inclusive)', placeholder: '2026-03-01T00:00:00+01:00', required: true },
      { name: 'end', label: 'End (exclusive; default now)', placeholder: '2026-03-08T00:00:00+01:00' },
    ],
    columns: [
      { key: 'site', label: 'Site' },
      { key: 'days', label: 'Days' },
      { key: 'rows', label: 'Calls read' },
      { key: 'created', label: 'New' },
      { key: 'updated', label: 'Updated' },
      { key: 'unchanged', label: 'Unchanged' },
      { key: 'matched', label: 'Matched to webhook calls' },
      { key: 'failed', label: 'Failed' },
    ],
    access: 'staff',
  },
];

export function registerViews(ctx: Ctx): void {
  for (const v of VIEWS) ctx.views.register(v);
}
