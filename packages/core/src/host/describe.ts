import type { Registry } from '../base/registry.js';
import type { ContactSource } from '../contacts/contracts.js';
import type { DirectoryRenderer } from '../directory/contracts.js';
import { isContactAction, type HealthCheck, type PluginAction } from './contracts.js';
import { withTimeout, type LoadedPlugin } from './load.js';
import { describeView, type PluginView } from './views.js';

/** How long one plugin health check may take before it is reported as not ok. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/** One registered health check's answer, as `GET /api/v1/plugins` reports it. */
export interface PluginHealthResult {
  /** The check's id (`<plugin id>.<check id>`). */
  id: string;
  label: string;
  ok: boolean;
  message: string;
  /** When the answer came (ISO 8601). */
  checkedAt: string;
  durationMs: number;
}

/** The registries a plugin's description is read from. */
export interface PluginRegistries {
  contactSources: Registry<ContactSource>;
  renderers: Registry<DirectoryRenderer>;
  actions: Registry<PluginAction>;
  health: Registry<HealthCheck>;
  views: Registry<PluginView>;
}

export type PluginDescription = ReturnType<typeof describePlugins>[number];

/** The loaded plugins with what each registered (sources, renderers, actions). */
export function describePlugins(plugins: readonly LoadedPlugin[], r: PluginRegistries) {
  const of = <T extends { id: string }>(reg: Registry<T>, owner: string) => reg.list().filter((x) => reg.ownerOf(x.id) === owner);
  return plugins.map((p) => ({
    id: p.id,
    name: p.plugin.name,
    version: p.plugin.version ?? null,
    description: p.plugin.description ?? null,
    from: p.from,
    state: p.state,
    contactSources: of(r.contactSources, p.id).map((s) => s.id),
    renderers: of(r.renderers, p.id).map((x) => x.id),
    actions: of(r.actions, p.id).map((a) => ({ id: a.id, label: a.label, description: a.description ?? null, scope: a.scope ?? 'plugin', when: isContactAction(a) ? (a.when ?? null) : null })),
    views: of(r.views, p.id).map((v) => describeView(v, p.id)),
  }));
}

/**
 * {@link describePlugins} with each plugin's registered health checks (`ctx.health.register`) run now:
 * all in parallel, each cut off after `timeoutMs`. A check that throws, times out or answers
 * something else than `{ ok, message }` is reported as not ok, with what went wrong as its message.
 */
export async function describePluginsWithHealth(plugins: readonly LoadedPlugin[], r: PluginRegistries, timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<(PluginDescription & { health: PluginHealthResult[] })[]> {
  const results = await Promise.all(
    r.health.list().map(async (check): Promise<PluginHealthResult & { owner: string }> => {
      const owner = r.health.ownerOf(check.id) ?? 'core';
      const started = Date.now();
      let ok = false;
      let message: string;
      try {
        const answer = ((await withTimeout(`health check "${check.id}"`, timeoutMs, () => check.check())) ?? {}) as { ok?: unknown; message?: unknown };
        ok = answer.ok === true;
        message = typeof answer.message === 'string' ? answer.message : typeof answer.ok === 'boolean' ? '' : 'the check answered no { ok, message }';
      } catch (err) {
        message = err instanceof Error ? err.message : String(err);
      }
      return { owner, id: check.id, label: check.label, ok, message, checkedAt: new Date().toISOString(), durationMs: Date.now() - started };
    }),
  );
  return describePlugins(plugins, r).map((p) => ({ ...p, health: results.filter((x) => x.owner === p.id).map(({ owner: _owner, ...x }) => x) }));
}
