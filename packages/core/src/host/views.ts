import { z } from 'zod';
import { DialbookError } from '../base/errors.js';

/** How the admin app shows one column of a view's rows. */
export type ViewColumnKind = 'text' | 'code' | 'badge' | 'list' | 'datetime';

/**
 * A page or panel of the admin app drawn from a plugin's own GET route, with no plugin code in the
 * app: a `global` view is a page (a form from `params` → `GET <route>?<params>` → a table of
 * `columns`); a `contact` view is a panel on a contact's page (`GET <route>?contactId=<id>`).
 * The route answers `{ items: [{ <column key>: value, … }], message? }`; a `badge` cell is a string or
 * `{ label, tone: 'good' | 'warn' | 'bad' | 'neutral' }`, a `list` cell an array of strings; `message`
 * (why the rows are none or incomplete, in words) is the empty state's text or a note above the rows.
 *
 * ```ts
 * ctx.views.register({
 *   id: 'phone-lookup', label: 'Phone lookup', scope: 'global', path: '/phones/lookup',
 *   params: [{ name: 'mac', label: 'MAC address', placeholder: '00:1A:2B:3C:4D:5E', required: true }],
 *   columns: [{ key: 'name', label: 'Device', kind: 'code' }, { key: 'status', label: 'Registration', kind: 'badge' }],
 * });
 * ```
 */
export interface PluginView {
  id: string;
  label: string;
  description?: string;
  scope: 'global' | 'contact';
  /** The plugin's GET route, relative to its mount (`/phones/lookup` → `/api/v1/plugins/<instance id>/phones/lookup`). */
  path: string;
  /** Form fields of a global view, sent as query parameters. */
  params?: { name: string; label: string; placeholder?: string; required?: boolean }[];
  columns: { key: string; label: string; kind?: ViewColumnKind }[];
  /** Who sees it (default `staff`); the route's own access decides what it answers. */
  access?: 'user' | 'staff' | 'admin';
  /** A contact view is shown only for contacts with these attributes (`ns` or `ns.key`). */
  when?: { hasAttribute?: string[] };
}

const NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,63}$/;
const ViewSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes (it is part of the page address)'),
  label: z.string().min(1).max(100),
  description: z.string().max(500).optional(),
  scope: z.enum(['global', 'contact']),
  path: z.string().regex(/^\/[A-Za-z0-9/_.:-]*$/, 'a path under the plugin mount, starting with /'),
  params: z.array(z.object({ name: z.string().regex(NAME), label: z.string().min(1).max(100), placeholder: z.string().max(200).optional(), required: z.boolean().optional() })).max(10).optional(),
  columns: z.array(z.object({ key: z.string().min(1).max(64), label: z.string().min(1).max(100), kind: z.enum(['text', 'code', 'badge', 'list', 'datetime']).optional() })).min(1).max(20),
  access: z.enum(['user', 'staff', 'admin']).optional(),
  when: z.object({ hasAttribute: z.array(z.string().min(1).max(128)).optional() }).optional(),
});

/** A registered view checked, or a start-up error naming the plugin and what is wrong. */
export function checkView(view: PluginView, owner: string): PluginView {
  const r = ViewSchema.safeParse(view);
  if (r.success) return view;
  const problems = r.error.issues.map((i) => `${i.path.join('.') || 'view'}: ${i.message}`).join('; ');
  throw new DialbookError('DIALBOOK_PLUGIN_VIEW_INVALID', `plugin "${owner}" registered view "${String(view?.id)}" wrongly: ${problems}`, { plugin: owner });
}

/** How `GET /plugins` describes a view: its route as the app calls it. */
export const describeView = (v: PluginView, owner: string) => ({
  id: v.id,
  label: v.label,
  description: v.description ?? null,
  scope: v.scope,
  url: `/api/v1/plugins/${owner}${v.path}`,
  params: (v.params ?? []).map((p) => ({ name: p.name, label: p.label, placeholder: p.placeholder ?? null, required: p.required === true })),
  columns: v.columns.map((c) => ({ key: c.key, label: c.label, kind: c.kind ?? 'text' })),
  access: v.access ?? 'staff',
  when: v.when ?? null,
});

export const PluginViewInfo = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string().nullable(),
    scope: z.enum(['global', 'contact']).meta({ description: '`global`: a page of the admin app; `contact`: a panel on a contact\'s page (the route gets `?contactId=`)' }),
    url: z.string().meta({ description: 'The GET route the app calls; it answers `{ items: [...] }`' }),
    params: z.array(z.object({ name: z.string(), label: z.string(), placeholder: z.string().nullable(), required: z.boolean() })),
    columns: z.array(z.object({ key: z.string(), label: z.string(), kind: z.enum(['text', 'code', 'badge', 'list', 'datetime']) })),
    access: z.enum(['user', 'staff', 'admin']),
    when: z.object({ hasAttribute: z.array(z.string()).optional() }).nullable(),
  })
  .meta({ id: 'PluginView' });
