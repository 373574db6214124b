/**
 * Plugin actions as callers meet them: which ones a caller is shown (a site-limited user only
 * those concerning their sites), and running one — an action that syncs a contact source runs as
 * that source's tracked sync job of each site, the same job `POST /api/v1/sources/{id}/sync` runs.
 */
import { allowedSites } from '../base/access.js';
import type { Actor } from '../base/actor.js';
import type { SiteService } from '../sites/service.js';
import { DialbookError, isDialbookError } from '../base/errors.js';
import type { JobService } from '../jobs/service.js';
import type { Registry } from '../base/registry.js';
import type { ContactSource } from '../contacts/contracts.js';
import { sourceSyncJobId, sourceSyncLabel } from '../contacts/sources.js';
import { isContactAction, type ActionResult, type PluginAction } from './contracts.js';

/**
 * The entries of `listed` (actions as `describePlugins` lists them) the current caller may see:
 * all of them for a caller who sees every site; for a site-limited caller, those without
 * `sites` and those whose `sites()` names one of the caller's sites. An action whose `sites()`
 * fails is not shown to a site-limited caller.
 */
export async function visibleActions<T extends { id: string }>(actions: Registry<PluginAction>, listed: readonly T[]): Promise<T[]> {
  const allowed = allowedSites();
  if (!allowed) return [...listed];
  const shown = await Promise.all(
    listed.map(async (entry) => {
      const action = actions.get(entry.id);
      if (!action?.sites) return true;
      try {
        return (await action.sites()).some((id) => allowed.has(id));
      } catch {
        return false;
      }
    }),
  );
  return listed.filter((_, i) => shown[i]);
}

export interface ActionRunnerDeps {
  registries: { actions: Registry<PluginAction>; contactSources: Registry<ContactSource> };
  jobs: Pick<JobService, 'track'>;
  sites: Pick<SiteService, 'get'>;
}

/** A run that reported `ok: false`: its job is marked failed, and the caller still gets the report. */
class ReportedFailure extends Error {
  constructor(readonly result: ActionResult) {
    super(result.message);
  }
}

/**
 * Run a registered action. One that `syncs` a contact source runs as that source's sync job of
 * the site asked for, else of each site its `sites()` names (in the caller's scope): tracked at
 * `GET /api/v1/jobs` with progress, failed when the run reports `ok: false`, and reported as not ok
 * (rather than run twice) while the same site's sync already runs. Several sites: one report with
 * every site's message, `ok` when all were, `data` the list of theirs. An unknown site is 404.
 */
export async function runAction(deps: ActionRunnerDeps, actionId: string, input: { actor: Actor; siteId?: string | undefined }): Promise<ActionResult> {
  const action: PluginAction = deps.registries.actions.require(actionId);
  if (isContactAction(action)) throw scopeMismatch(action.id, action.scope);
  const { actor } = input;
  if (!action.syncs) return action.run({ actor, ...(input.siteId ? { siteId: input.siteId } : {}) });
  const source = deps.registries.contactSources.require(action.syncs);
  const owner = deps.registries.contactSources.ownerOf(source.id) ?? deps.registries.actions.ownerOf(action.id) ?? 'core';
  const siteIds = input.siteId ? [input.siteId] : [...new Set((await action.sites?.()) ?? [])];
  // Only sites the caller may touch: `sites.get` answers 404 for the others.
  const sites = await Promise.all(siteIds.map((id) => deps.sites.get(id)));
  if (!sites.length) return action.run({ actor });
  const results: ActionResult[] = [];
  for (const site of sites) {
    try {
      results.push(
        await deps.jobs.track(sourceSyncJobId(source.id, site.id), sourceSyncLabel(source, site), owner, async (progress) => {
          const result = await action.run({ actor, siteId: site.id, progress });
          if (!result.ok) throw new ReportedFailure(result);
          return result;
        }),
      );
    } catch (err) {
      if (err instanceof ReportedFailure) results.push(err.result);
      else if (isDialbookError(err) && err.code === 'DIALBOOK_JOB_RUNNING') results.push({ ok: false, message: err.message });
      else throw err;
    }
  }
  if (results.length === 1) return results[0]!;
  return { ok: results.every((r) => r.ok), message: results.map((r) => r.message).join('\n'), data: results.map((r) => r.data ?? null) };
}

/** 422 for an action run through the route of another scope, saying which route runs it. */
export function scopeMismatch(actionId: string, scope: PluginAction['scope']): DialbookError {
  const how = scope === 'contact' ? `it runs on one contact: POST /api/v1/contacts/{id}/actions/${actionId}` : scope === 'contacts' ? `it runs over contacts: POST /api/v1/actions/${actionId}/bulk` : `it is a plugin button: POST /api/v1/actions/${actionId}`;
  return new DialbookError('DIALBOOK_ACTION_SCOPE', `action "${actionId}" cannot run this way: ${how}`, { status: 422, details: { scope: scope ?? 'plugin' } });
}
