/**
 * Actions on contacts as callers meet them: which ones a contact's page offers (and why one is
 * disabled), and running one for one contact. The contact is read through the contacts service in
 * the caller's access scope, so a contact of a site the caller may not see is 404, exactly as
 * `GET /contacts/{id}` answers; an action applies only to contacts of the sites it concerns.
 */
import type { Actor } from '../base/actor.js';
import { DialbookError } from '../base/errors.js';
import type { Registry } from '../base/registry.js';
import type { ContactService } from '../contacts/service.js';
import type { ContactDto } from '../contacts/types.js';
import { scopeMismatch } from './actions.js';
import { isContactAction, type ActionCondition, type ActionResult, type ContactAction, type PluginAction } from './contracts.js';

export interface ContactActionDeps {
  actions: Registry<PluginAction>;
  contacts: Pick<ContactService, 'get'>;
}

/** A contact action as a contact's page shows it. */
export interface ContactActionView {
  id: string;
  label: string;
  description: string | null;
  /** The plugin instance that registered it. */
  plugin: string;
  /** Whether it applies to this contact; else `reason` says why not. */
  enabled: boolean;
  reason: string | null;
}

/** Why `when` does not hold for the contact (a sentence), or null when it does. Deleted contacts never qualify. */
export function unmetCondition(when: ActionCondition | undefined, contact: ContactDto): string | null {
  if (contact.deleted) return 'the contact is deleted';
  if (when?.hasEmail && !contact.emails.length) return 'the contact has no e-mail address';
  for (const attr of when?.hasAttribute ?? []) {
    const [ns, ...rest] = attr.split('.');
    const space = contact.attributes[ns!];
    const value = rest.length ? space?.[rest.join('.')] : space;
    if (value === undefined || value === null || value === '' || (typeof value === 'object' && !Object.keys(value).length)) return `the contact has no ${attr} attribute`;
  }
  return null;
}

/** Whether the action concerns contacts of `siteId` (every site without `sites`; none when `sites()` fails). */
export async function concernsSite(action: ContactAction, siteId: string): Promise<boolean> {
  if (!action.sites) return true;
  try {
    return (await action.sites()).includes(siteId);
  } catch {
    return false;
  }
}

/** Why the action does not apply to the contact, or null when it does. */
export async function whyNot(action: ContactAction, contact: ContactDto): Promise<string | null> {
  if (!(await concernsSite(action, contact.siteId))) return "the action is not set up for this contact's site";
  return unmetCondition(action.when, contact);
}

/** The `scope: 'contact'` actions for a contact (404 when the caller may not see it), each enabled or with the reason it is not. */
export async function contactActions(deps: ContactActionDeps, contactId: string): Promise<ContactActionView[]> {
  const contact = await deps.contacts.get(contactId);
  const actions = deps.actions.list().filter((a): a is ContactAction => a.scope === 'contact');
  return Promise.all(
    actions.map(async (a) => {
      const reason = await whyNot(a, contact);
      return { id: a.id, label: a.label, description: a.description ?? null, plugin: deps.actions.ownerOf(a.id) ?? 'core', enabled: reason === null, reason };
    }),
  );
}

/**
 * Run a `scope: 'contact'` action for one contact: 404 for an unknown action or a contact the caller
 * may not see, 422 `DIALBOOK_ACTION_SCOPE` for an action of another scope, 422
 * `DIALBOOK_ACTION_NOT_APPLICABLE` (with the reason) when it does not apply to the contact.
 */
export async function runContactAction(deps: ContactActionDeps, contactId: string, actionId: string, actor: Actor): Promise<ActionResult> {
  const contact = await deps.contacts.get(contactId);
  const action = deps.actions.require(actionId);
  if (!isContactAction(action) || action.scope !== 'contact') throw scopeMismatch(action.id, action.scope);
  const reason = await whyNot(action, contact);
  if (reason) throw notApplicable(action, contact, reason);
  return action.run({ actor, contactId: contact.id, siteId: contact.siteId, contact });
}

export const notApplicable = (action: ContactAction, contact: ContactDto, reason: string): DialbookError =>
  new DialbookError('DIALBOOK_ACTION_NOT_APPLICABLE', `"${action.label}" does not apply to ${contact.displayName}: ${reason}`, { status: 422, details: { action: action.id, contactId: contact.id, reason } });
