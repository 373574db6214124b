import type { Logger } from 'pino';
import { DialbookError } from '../base/errors.js';
import type { SettingsService } from '../settings/service.js';
import { createPluginContext, type HostDeps } from './context.js';
import { withTimeout, type LoadedPlugin } from './load.js';

/**
 * `setup` every plugin in config order (its settings category registered first); what `setup`
 * returns is kept for its `start` and `stop`. A failure stops the boot, naming the plugin.
 */
export async function setupPlugins(plugins: readonly LoadedPlugin[], deps: HostDeps & { settings: SettingsService }): Promise<void> {
  for (const p of plugins) {
    if (p.plugin.settings) deps.settings.register({ id: p.id, label: p.plugin.description ?? p.plugin.name, scope: p.plugin.settingsScope ?? 'global', schema: p.plugin.settings }, p.id);
    const ctx = createPluginContext(p, deps);
    try {
      p.setupResult = await p.plugin.setup(ctx);
      p.state = 'setup';
    } catch (cause) {
      p.state = 'failed';
      throw new DialbookError('DIALBOOK_PLUGIN_SETUP', `plugin "${p.id}" failed in setup: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, plugin: p.id });
    }
  }
}

/** `start` every plugin in order; on a failure the ones started so far are stopped (by the caller, in reverse) and the error names the plugin. */
export async function startPlugins(plugins: readonly LoadedPlugin[]): Promise<void> {
  for (const p of plugins) {
    try {
      if (p.plugin.start) await p.plugin.start(p.ctx!, p.setupResult);
      p.state = 'started';
    } catch (cause) {
      p.state = 'failed';
      throw new DialbookError('DIALBOOK_PLUGIN_START', `plugin "${p.id}" failed to start: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, plugin: p.id });
    }
  }
}

/** Stop started plugins in reverse order, each within `timeoutMs` (a plugin that hangs is logged and skipped). */
export async function stopPlugins(plugins: readonly LoadedPlugin[], timeoutMs: number, logger: Logger): Promise<void> {
  for (const p of [...plugins].reverse()) {
    if (p.state !== 'started') continue;
    try {
      if (p.plugin.stop) await withTimeout(`plugin "${p.id}" stop`, timeoutMs, () => p.plugin.stop!(p.ctx!, p.setupResult));
      p.state = 'stopped';
    } catch (err) {
      p.state = 'failed';
      logger.error({ err, plugin: p.id }, `plugin "${p.id}" did not stop cleanly`);
    }
  }
}
