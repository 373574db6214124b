import type { Actor } from '../base/actor.js';

/**
 * Events: fired after a change is committed. Listeners cannot undo the change; a listener that
 * throws is logged and the others still run.
 *
 * This map is empty here: each area of core declares its own events beside its code (e.g.
 * `contacts/events.ts`), and plugins add theirs the same way, by declaration merging:
 * ```ts
 * declare module '@dialbook/core' {
 *   interface HookEvents { 'csv.imported': { file: string; count: number } }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface HookEvents {}

/** Where a filter runs and what it may change or reject. */
export interface FilterContext {
  actor: Actor;
}

/**
 * Filters: run in order before an action; each may return a changed value or throw (ideally a
 * `DialbookError`) to reject the action with an error the caller sees. Declared by the areas
 * (`contact.beforeSave` in contacts, `directory.beforeRender` in directory) and by plugins, as events are.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface HookFilters {}

export type EventName = keyof HookEvents;
export type FilterName = keyof HookFilters;
