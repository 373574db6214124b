import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hono } from 'hono';
import { describeIssue } from '../config/issues.js';
import type { ResolvedConfig } from '../config/schema.js';
import { DialbookError } from '../base/errors.js';
import type { PluginContext } from '../plugin/context.js';
import { isPlugin, type DialbookPlugin } from '../plugin/define.js';
import type { Access } from '../base/access.js';

/** A plugin instance after its options were validated. */
export interface LoadedPlugin {
  id: string;
  plugin: DialbookPlugin;
  /** Where it came from: the package name or path, or `inline`. */
  from: string;
  options: unknown;
  ctx?: PluginContext;
  /** What `setup` returned, handed to `start` and `stop`. */
  setupResult?: unknown;
  state: 'loaded' | 'setup' | 'started' | 'stopped' | 'failed';
  routes: { path: string; app: Hono; access?: Access }[];
}

/**
 * Import every enabled plugin named in the config. A package that is not
 * installed and a package that throws while importing are told apart.
 * All failures are gathered before anything is reported.
 */
export async function importPlugins(config: ResolvedConfig): Promise<{ plugins: LoadedPlugin[]; problems: string[] }> {
  const problems: string[] = [];
  const loaded: LoadedPlugin[] = [];
  for (const [id, entry] of Object.entries(config.plugins)) {
    if (!entry.enabled) continue;
    if (entry.plugin) {
      loaded.push({ id, plugin: entry.plugin, from: 'inline', options: entry.options, state: 'loaded', routes: [] });
      continue;
    }
    const spec = entry.package!;
    try {
      const mod = (await importSpecifier(spec, config.baseDir)) as Record<string, unknown>;
      const candidate = [mod.default, mod.plugin, (mod.default as Record<string, unknown> | undefined)?.default].find(isPlugin);
      if (!candidate) {
        problems.push(`plugin "${id}" (${spec}): the package's default export is not a plugin made with definePlugin()`);
        continue;
      }
      loaded.push({ id, plugin: candidate, from: spec, options: entry.options, state: 'loaded', routes: [] });
    } catch (err) {
      problems.push(describeImportFailure(id, spec, err));
    }
  }
  return { plugins: loaded, problems };
}

/**
 * Import every plugin and validate every plugin's options; throw once with every
 * problem found (import failures first, then option problems), one line each.
 */
export async function loadPlugins(config: ResolvedConfig): Promise<LoadedPlugin[]> {
  const { plugins, problems } = await importPlugins(config);
  const optionProblems = validatePluginOptions(plugins);
  if (problems.length) throw new DialbookError('DIALBOOK_PLUGIN_IMPORT', [...problems, ...optionProblems].join('\n'), { details: { lines: [...problems, ...optionProblems] } });
  if (optionProblems.length) throw new DialbookError('DIALBOOK_PLUGIN_OPTIONS', optionProblems.join('\n'), { details: { lines: optionProblems } });
  return plugins;
}

async function importSpecifier(spec: string, baseDir: string): Promise<unknown> {
  if (spec.startsWith('.') || isAbsolute(spec)) return import(pathToFileURL(resolve(baseDir, spec)).href);
  let resolved: string | undefined;
  try {
    resolved = createRequire(resolve(baseDir, 'noop.js')).resolve(spec);
  } catch {
    resolved = undefined; // fall back to resolving from core itself (e.g. ESM-only exports)
  }
  return import(resolved ? pathToFileURL(resolved).href : spec);
}

function describeImportFailure(id: string, spec: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const missing = (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && typeof e.message === 'string' && e.message.includes(spec.startsWith('.') ? spec.replace(/^\.\//, '') : spec);
  if (missing) return `plugin "${id}": package "${spec}" is not installed (npm install ${spec})`;
  return `plugin "${id}": package "${spec}" threw while loading: ${e instanceof Error ? e.message : String(err)}`;
}

/** Validate every plugin's options (defaults applied in place); returns every problem of every plugin, one line each. */
export function validatePluginOptions(plugins: LoadedPlugin[]): string[] {
  const problems: string[] = [];
  const seenNames = new Map<string, string>();
  for (const p of plugins) {
    seenNames.set(p.id, p.plugin.name);
    if (!p.plugin.options) continue;
    const parsed = p.plugin.options.safeParse(p.options ?? {});
    if (parsed.success) p.options = parsed.data;
    else for (const issue of parsed.error.issues) problems.push(`plugin "${p.id}" (${p.from === 'inline' ? p.plugin.name : p.from}): ${describeIssue(issue, p.options ?? {}, 'option')}`);
  }
  return problems;
}

/** Run `fn` but give up after `ms`, naming what timed out. */
export async function withTimeout<T>(what: string, ms: number, fn: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DialbookError('DIALBOOK_PLUGIN_TIMEOUT', `${what} did not finish within ${ms} ms`)), ms);
        timer.unref();
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
