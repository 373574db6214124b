/**
 * Two parts of the plugin context that are being added to core (admin-app views, and History rows
 * a plugin writes for a contact). Until they land these calls do nothing, so the plugin runs on a
 * core without them; with them, they pass straight through.
 */
import type { Actor } from '@dialbook/core';
import type { Ctx } from './runtime.js';

export type ColumnKind = 'text' | 'code' | 'badge' | 'list' | 'datetime';

/** An admin-app view of plugin data: a page (`global`) or a panel of the contact page (`contact`). */
export interface PluginView {
  id: string;
  label: string;
  description?: string;
  scope: 'global' | 'contact';
  /** The plugin's GET route answering `{ items }`, relative to its mount. */
  path: string;
  params?: { name: string; label: string; placeholder?: string; required?: boolean }[];
  columns: { key: string; label: string; kind?: ColumnKind }[];
  access?: 'staff';
  when?: { hasAttribute?: string[] };
}

interface Pending {
  views?: { register(view: PluginView): void };
  contacts: { recordHistory?(contactId: string, row: { field: string; note: string }, actor: Actor): Promise<unknown> };
}

export function registerView(ctx: Ctx, view: PluginView): boolean {
  const views = (ctx as unknown as Pending).views;
  if (!views) return false;
  views.register(view);
  return true;
}

export async function recordHistory(ctx: Ctx, contactId: string, row: { field: string; note: string }, actor: Actor): Promise<void> {
  const record = (ctx as unknown as Pending).contacts.recordHistory;
  if (record) await record.call(ctx.contacts, contactId, row, actor);
}
