import type { z } from 'zod';

/** Where a category's values live: one set for the installation, or one per site (over a shared default set). */
export type SettingScope = 'global' | 'site';

/**
 * A group of runtime settings, edited together in the admin UI and addressed as
 * `<category>.<key>` (`email.smtp.host`). Keys are the schema's keys; nested objects are
 * allowed; a key marked with {@link secret} is encrypted at rest and never returned.
 */
export interface SettingCategory<S extends z.ZodObject = z.ZodObject> {
  /** `email` for core categories, the plugin instance id for a plugin's settings. */
  id: string;
  label: string;
  description?: string;
  scope: SettingScope;
  schema: S;
}

/** A category as registered: who owns it. */
export interface RegisteredCategory extends SettingCategory {
  /** `core` or the plugin instance id. */
  owner: string;
}

export const CATEGORY_ID = /^[a-z][a-z0-9-]{0,63}$/;
