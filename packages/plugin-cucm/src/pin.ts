/**
 * A person's PIN: their forced authorization code in CUCM, found by the FAC matching rule and kept
 * as the contact's secret attribute `cucm.pin` (encrypted at rest by core, History written by
 * core, never in attributes, events, exports or directories). Nothing here logs a code or puts
 * one into a message or an action result.
 */
import { isDialbookError, type ActionResult, type ContactActionInput } from '@dialbook/core';
import type { AxlClient } from './axl/client.js';
import type { FacInfo } from './axl/types.js';
import { isCucmError } from './errors.js';
import { facNameFor, likeSafe } from './people.js';
import type { CucmRuntime } from './runtime.js';

/** The secret contact attribute holding the PIN. */
export const PIN_KEY = 'cucm.pin';
export const PIN_LABEL = 'PIN (forced authorization code)';

/** A FAC found by name: getFacInfo, then (CUCM's names compare by case) listFacInfo; null when there is none. */
export async function findFac(axl: AxlClient, name: string): Promise<FacInfo | null> {
  try {
    return await axl.getFacInfo(name);
  } catch (err) {
    if (!isCucmError(err) || err.code !== 'DIALBOOK_CUCM_NOT_FOUND') throw err;
  }
  if (!likeSafe(name)) return null;
  const hits = (await axl.listFacInfo({ name })).filter((f) => f.name.toLowerCase() === name.toLowerCase());
  return hits.length === 1 ? hits[0]! : null;
}

/** Where an admin sees a FAC, for messages. */
const WHERE = 'Cisco Unified CM Administration → Call Routing → Forced Authorization Codes';

/** A CUCM or settings problem as an action's answer (its message never holds a PIN); anything else is thrown. */
export function problemResult(err: unknown): ActionResult {
  if (isCucmError(err) || (isDialbookError(err) && err.status < 500)) return { ok: false, message: (err as Error).message };
  throw err;
}

/** The action "Fetch PIN from CUCM": find the contact's FAC and keep its code as `cucm.pin`. */
export async function fetchPin(rt: CucmRuntime, { contact, actor }: ContactActionInput): Promise<ActionResult> {
  try {
    const cluster = await rt.cluster(contact.siteId);
    const fac = facNameFor(contact, cluster.settings);
    if (!fac.ok) return { ok: false, message: `Cannot look up the PIN: ${fac.problem}.` };
    const found = await findFac(cluster.axl, fac.name);
    if (!found) {
      return { ok: false, message: `CUCM has no forced authorization code named "${fac.name}" (matching rule: ${cluster.settings.facMatch}). Check the name in ${WHERE}, or change the setting facMatch.` };
    }
    if (!found.code) return { ok: false, message: `The forced authorization code "${found.name}" in CUCM has no code; set one in ${WHERE}.` };
    const before = await rt.ctx.contacts.getSecret(contact.id, PIN_KEY);
    if (before === found.code) return { ok: true, message: `PIN fetched from CUCM (FAC "${found.name}"): unchanged.` };
    await rt.ctx.contacts.setSecret(contact.id, PIN_KEY, found.code, actor);
    return { ok: true, message: `PIN fetched from CUCM (FAC "${found.name}") and stored${before ? ', replacing the one before' : ''}.` };
  } catch (err) {
    return problemResult(err);
  }
}
