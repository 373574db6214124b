/**
 * The admin app's pages and contact panel for phones, as metadata (`ctx.views.register`): the app
 * draws a form from `params`, GETs the route with them and shows the rows in a table by
 * `columns` — no CUCM code in the web app.
 */
import type { PluginView } from '@dialbook/core';
import type { Ctx } from './runtime.js';

const COLUMNS: PluginView['columns'] = [
  { key: 'name', label: 'Device', kind: 'code' },
  { key: 'mac', label: 'MAC', kind: 'code' },
  { key: 'model', label: 'Model' },
  { key: 'description', label: 'Description' },
  { key: 'owner', label: 'Owner' },
  { key: 'devicePool', label: 'Device pool' },
  { key: 'lines', label: 'Lines', kind: 'list' },
  { key: 'status', label: 'Status', kind: 'badge' },
  { key: 'ip', label: 'IP address', kind: 'code' },
  { key: 'firmware', label: 'Firmware', kind: 'code' },
  { key: 'lastSeen', label: 'Last seen', kind: 'datetime' },
];

export const VIEWS: PluginView[] = [
  {
    id: 'phone-lookup',
    label: 'Phone by MAC',
    description: 'Look a desk phone up by its MAC address, in any written form, with its live registration state.',
    scope: 'global',
    path: '/phones/lookup',
    params: [{ name: 'mac', label: 'MAC address', placeholder: '00:1A:2B:3C:4D:5E or SEP001A2B3C4D5E', required: true }],
    columns: COLUMNS,
    access: 'staff',
  },
  {
    id: 'phone-search',
    label: 'Phone search',
    description: 'Search phones by device name or description (% is a wildcard), optionally only those of one owner.',
    scope: 'global',
    path: '/phones/search',
    params: [
      { name: 'name', label: 'Device name', placeholder: 'SEP001A%' },
      { name: 'description', label: 'Description', placeholder: 'Berlin' },
      { name: 'owner', label: 'Owner (CUCM user id)', placeholder: 'jdoe' },
    ],
    columns: COLUMNS,
    access: 'staff',
  },
  {
    id: 'user-phones',
    label: 'Phones of a user',
    description: "A CUCM user's associated devices and the phones they own.",
    scope: 'global',
    path: '/phones/owned',
    params: [{ name: 'user', label: 'CUCM user id', placeholder: 'jdoe', required: true }],
    columns: [...COLUMNS, { key: 'link', label: 'How', kind: 'text' }],
    access: 'staff',
  },
  {
    id: 'contact-phones',
    label: 'CUCM phones',
    description: "The contact's phones in CUCM with their live registration state.",
    scope: 'contact',
    path: '/phones/contact',
    columns: [...COLUMNS.filter((c) => c.key !== 'owner'), { key: 'link', label: 'How', kind: 'text' }],
    access: 'staff',
    when: { hasAttribute: ['cucm.userId'] },
  },
];

export function registerViews(ctx: Ctx): void {
  for (const v of VIEWS) ctx.views.register(v);
}
