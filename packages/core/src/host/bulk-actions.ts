/**
 * Bulk actions (`scope: 'contacts'`): one run per contact of a phonebook or of a contact filter (the
 * filters `GET /contacts` takes), as a tracked job with progress (`GET /jobs`, id
 * `<action id>:bulk`, refused while it runs), answered with a report line per contact. The
 * contacts are those the caller may see: the phonebook and the list are read in their scope.
 */
import type { Actor } from '../base/actor.js';
import { DialbookError, isDialbookError } from '../base/errors.js';
import type { Registry } from '../base/registry.js';
import type { ContactService } from '../contacts/service.js';
import type { ContactDto, ContactFilter } from '../contacts/types.js';
import type { JobService } from '../jobs/service.js';
import type { PhonebookService } from '../phonebooks/service.js';
import { scopeMismatch } from './actions.js';
import { whyNot } from './contact-actions.js';
import { isContactAction, type ContactAction, type PluginAction } from './contracts.js';

/** The most contacts one bulk run takes; narrow the filter for more. */
export const MAX_BULK_CONTACTS = 10_000;
/** How many report lines the finished job keeps in its `result` (the API answer has all). */
const JOB_REPORT_LINES = 1_000;
const PAGE = 500;

export interface BulkActionDeps {
  actions: Registry<PluginAction>;
  contacts: Pick<ContactService, 'list'>;
  phonebooks: Pick<PhonebookService, 'get' | 'members'>;
  jobs: Pick<JobService, 'track'>;
}

/** Which contacts: a phonebook's members, or the contacts matching a filter (active ones, in the caller's sites). */
export type BulkTarget = { phonebookId: string; filter?: undefined } | { phonebookId?: undefined; filter: ContactFilter & { siteId?: string | undefined } };

export interface BulkReportLine {
  contactId: string;
  name: string;
  ok: boolean;
  /** Not run: the action does not apply to this contact (`message` says why). */
  skipped: boolean;
  message: string;
}

export interface BulkReport {
  action: string;
  /** The job that ran it (`GET /jobs`). */
  job: string;
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  items: BulkReportLine[];
}

export const bulkJobId = (actionId: string): string => `${actionId}:bulk`;

/** Run a `scope: 'contacts'` action over a phonebook or a filter, contact by contact. */
export async function runBulkAction(deps: BulkActionDeps, actionId: string, target: BulkTarget, actor: Actor): Promise<BulkReport> {
  const action = deps.actions.require(actionId);
  if (!isContactAction(action) || action.scope !== 'contacts') throw scopeMismatch(action.id, action.scope);
  const contacts = await collect(deps, target);
  const job = bulkJobId(action.id);
  const owner = deps.actions.ownerOf(action.id) ?? 'core';
  let report: BulkReport | undefined;
  await deps.jobs.track(job, `${action.label}: ${contacts.length} contact(s)`, owner, async (progress) => {
    const items: BulkReportLine[] = [];
    progress(0, contacts.length);
    for (const contact of contacts) {
      items.push(await runOne(action, contact, actor));
      const failed = items.filter((i) => !i.ok && !i.skipped).length;
      progress(items.length, contacts.length, failed ? `${failed} failed` : undefined);
    }
    report = summarise(action.id, job, items);
    // What the job keeps (readable at GET /jobs after the request): the counts and the first lines.
    return { ...report, items: items.slice(0, JOB_REPORT_LINES), truncated: items.length > JOB_REPORT_LINES };
  });
  return report!;
}

async function runOne(action: ContactAction, contact: ContactDto, actor: Actor): Promise<BulkReportLine> {
  const line = { contactId: contact.id, name: contact.displayName };
  const reason = await whyNot(action, contact);
  if (reason) return { ...line, ok: false, skipped: true, message: reason };
  try {
    const result = await action.run({ actor, contactId: contact.id, siteId: contact.siteId, contact });
    return { ...line, ok: result.ok === true, skipped: false, message: typeof result.message === 'string' ? result.message : '' };
  } catch (err) {
    return { ...line, ok: false, skipped: false, message: isDialbookError(err) || err instanceof Error ? err.message : String(err) };
  }
}

const summarise = (action: string, job: string, items: BulkReportLine[]): BulkReport => ({
  action,
  job,
  total: items.length,
  succeeded: items.filter((i) => i.ok).length,
  failed: items.filter((i) => !i.ok && !i.skipped).length,
  skipped: items.filter((i) => i.skipped).length,
  items,
});

/** Every contact of the target, read page by page before anything runs (so runs that change contacts do not move the pages). */
async function collect(deps: BulkActionDeps, target: BulkTarget): Promise<ContactDto[]> {
  if (target.phonebookId) await deps.phonebooks.get(target.phonebookId); // 404 outside the caller's sites
  const read = target.phonebookId
    ? (page: number) => deps.phonebooks.members(target.phonebookId, { page, pageSize: PAGE })
    : (page: number) => deps.contacts.list({ ...target.filter, status: 'active', sort: 'name', order: 'asc', page, pageSize: PAGE });
  const first = await read(1);
  if (first.total > MAX_BULK_CONTACTS) {
    throw new DialbookError('DIALBOOK_ACTION_TOO_MANY', `${first.total} contacts match; a bulk action takes at most ${MAX_BULK_CONTACTS}: narrow the filter or pick a smaller phonebook`, { status: 422, details: { total: first.total, max: MAX_BULK_CONTACTS } });
  }
  const all = [...first.items];
  for (let page = 2; all.length < first.total && (page - 1) * PAGE < first.total; page++) {
    const next = await read(page);
    if (!next.items.length) break;
    all.push(...next.items);
  }
  const seen = new Set<string>();
  return all.filter((c) => !seen.has(c.id) && seen.add(c.id));
}
