import type { Actor } from '../base/actor.js';
import type { ContactDto } from '../contacts/types.js';
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

/** What every action declares: how the admin app shows it, and which sites it concerns. */
interface ActionBase {
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
   * every caller. An action that {@link PluginButtonAction.syncs} a source runs for each of these sites when no
   * site is asked for; a contact action applies only to contacts of these sites.
   */
  sites?(): readonly string[] | Promise<readonly string[]>;
}

/**
 * A button in the admin UI (the plugins page, the owner's settings), run through the API
 * (`POST /api/v1/actions/{id}`, staff and admins).
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
export interface PluginButtonAction extends ActionBase {
  /** `plugin` (the default): a button of the plugin itself. */
  scope?: 'plugin';
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

/** What a contact action needs of a contact; the admin app disables it, and the API refuses it (422), for contacts without. */
export interface ActionCondition {
  /** Plugin attributes the contact must carry, each a namespace (`cucm`) or a key (`cucm.pin`). */
  hasAttribute?: string[];
  /** The contact must have an e-mail address. */
  hasEmail?: boolean;
}

/** What a run of a {@link ContactAction} is given: one contact, read in the caller's scope. */
export interface ContactActionInput {
  actor: Actor;
  contactId: string;
  siteId: string;
  contact: ContactDto;
}

/**
 * An action on contacts, run by staff and admins (never for a contact the caller cannot see).
 * `scope: 'contact'` is a button on a contact's page (`POST /api/v1/contacts/{id}/actions/{actionId}`);
 * `scope: 'contacts'` is a bulk action run over a phonebook or a contact filter
 * (`POST /api/v1/actions/{id}/bulk`): `run` is called once per contact, as a tracked job with
 * progress, and the caller gets a report line per contact.
 *
 * ```ts
 * const emailPin = async ({ contact }) => ({ ok: true, message: `PIN sent to ${contact.emails[0]}` });
 * ctx.actions.register({ id: 'email-pin', label: 'Email PIN', scope: 'contact', when: { hasEmail: true, hasAttribute: ['cucm.pin'] }, run: emailPin });
 * ctx.actions.register({ id: 'email-pins', label: 'Email PINs', scope: 'contacts', when: { hasEmail: true, hasAttribute: ['cucm.pin'] }, run: emailPin });
 * ```
 */
export interface ContactAction extends ActionBase {
  scope: 'contact' | 'contacts';
  /** Contacts it applies to; others are shown the action disabled with the reason, and refused. */
  when?: ActionCondition;
  run(input: ContactActionInput): Promise<ActionResult>;
}

/** What plugins register with `ctx.actions.register`: a plugin button, or an action on one contact or many. */
export type PluginAction = PluginButtonAction | ContactAction;

export const isContactAction = (a: PluginAction): a is ContactAction => a.scope === 'contact' || a.scope === 'contacts';

/** A status line for the plugins page. */
export interface HealthCheck {
  id: string;
  label: string;
  check(): Promise<{ ok: boolean; message: string }>;
}
