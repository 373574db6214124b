import type { Actor } from '../base/actor.js';
import type { Progress } from '../jobs/service.js';

/** What a run of a {@link PluginAction} is given. */
export interface ActionInput {
  actor: Actor;
  /** The site asked for (always set for an action that `syncs` a source, when it concerns any site). */
  siteId?: string;
  /** Progress of the tracked job (actions that `syncs` a source). */
  progress?: Progress;
}

/** What a run of a {@link PluginAction} reports; shown to staff and admins. */
export interface ActionResult {
  ok: boolean;
  message: string;
  data?: unknown;
}

/**
 * A button in the admin UI, run through the API (`POST /api/v1/actions/{id}`, staff and admins).
 *
 * ```ts
 * ctx.actions.register({
 *   id: 'sync',
 *   label: 'Sync now',
 *   description: 'Read the CSV file staff.csv into site "main"',
 *   sites: async () => [(await ctx.sites.findBySlug('main'))?.id].filter((id) => id !== undefined),
 *   syncs: ctx.id,
 *   run: async ({ siteId, progress }) => ({ ok: true, message: summary(await sync(siteId!, progress)) }),
 * });
 * ```
 */
export interface PluginAction {
  id: string;
  label: string;
  /**
   * What the action does, in words for everyone who sees the plugins page — site-limited users
   * included. Name no file path, server address or other site here: such details belong in the
   * result (staff only) or the log.
   */
  description?: string;
  /**
   * Ids of the sites the action concerns (the site a file feeds, the sites a directory is set up
   * for), read in the caller's access scope. A site-limited user is shown the action only when it
   * concerns one of their sites; without `sites` it concerns no site in particular and is shown to
   * every caller. An action that {@link syncs} a source runs for each of these sites when no site is asked for.
   */
  sites?(): readonly string[] | Promise<readonly string[]>;
  /**
   * The id of the contact source this action syncs (usually the plugin's own, `ctx.id`). The core
   * then runs the action as that source's sync job of a site, the job `POST /api/v1/sources/{id}/sync`
   * runs — id `<source>.sync:<site id>`, with its progress at `GET /api/v1/jobs`, refused while the
   * same job runs — once for the site asked for, else once per site of {@link sites}; `run` gets the
   * site and `progress`. With no site at all, `run` is called without one (to say why nothing ran).
   */
  syncs?: string;
  run(input: ActionInput): Promise<ActionResult>;
}

/** A status line for the plugins page. */
export interface HealthCheck {
  id: string;
  label: string;
  check(): Promise<{ ok: boolean; message: string }>;
}
