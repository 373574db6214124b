import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { DialbookError } from '../base/errors.js';
import { isPlugin } from '../plugin/define.js';
import { ConfigSchema, type DialbookConfig, type ResolvedConfig } from './schema.js';
import { describeIssue } from './issues.js';

export const CONFIG_NAMES = ['dialbook.config.ts', 'dialbook.config.mts', 'dialbook.config.js', 'dialbook.config.mjs', 'dialbook.config.json', 'dialbook.config.yaml', 'dialbook.config.yml'];

/** `--config` beats `DIALBOOK_CONFIG`, which beats a `dialbook.config.*` in the working directory. */
export function findConfigFile(explicit?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const named = explicit ?? env.DIALBOOK_CONFIG;
  if (named) {
    const file = resolve(cwd, named);
    if (!existsSync(file)) throw new DialbookError('DIALBOOK_CONFIG_MISSING', `config file ${file} does not exist`);
    return file;
  }
  return CONFIG_NAMES.map((n) => resolve(cwd, n)).find((f) => existsSync(f));
}

export async function readConfigFile(file: string): Promise<DialbookConfig> {
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.json') return JSON.parse(readFileSync(file, 'utf8')) as DialbookConfig;
    if (ext === '.yaml' || ext === '.yml') return (parseYaml(readFileSync(file, 'utf8')) ?? {}) as DialbookConfig;
    if (['.ts', '.mts', '.cts'].includes(ext)) {
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false });
      return (await jiti.import(file, { default: true })) as DialbookConfig;
    }
    const mod = (await import(pathToFileURL(file).href)) as { default?: DialbookConfig };
    return mod.default ?? (mod as DialbookConfig);
  } catch (cause) {
    throw new DialbookError('DIALBOOK_CONFIG_UNREADABLE', `cannot read config ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Turn `DIALBOOK_PLUGIN_LDAP_MAIN__BIND__DN` into a path under plugin `ldap-main`'s options. */
export function envKeyMatches(candidate: string, envPart: string): boolean {
  return candidate.replace(/[^a-z0-9]/gi, '').toLowerCase() === envPart.replace(/_/g, '').toLowerCase();
}

/**
 * Set `value` at the path the env name's parts give (`['BIND', 'DN']`) under `root`: each part
 * matches an existing key (see {@link envKeyMatches}), else becomes camelCase. Objects on the
 * way are copied, never changed in place.
 */
export function setByEnvKeys(root: Record<string, unknown>, keyParts: string[], value: unknown): void {
  let node = root;
  keyParts.forEach((part, i) => {
    const key = Object.keys(node).find((k) => envKeyMatches(k, part)) ?? part.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    if (i === keyParts.length - 1) node[key] = value;
    else {
      const next = node[key];
      node[key] = next && typeof next === 'object' ? { ...(next as object) } : {};
      node = node[key] as Record<string, unknown>;
    }
  });
}

export const parseEnvValue = (raw: string): unknown => {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
};

/**
 * Environment overrides, applied over the file:
 * `PORT`, `HOST`, `DATABASE_URL`, `DIALBOOK_DATA_DIR`, `DIALBOOK_DB_POOL`, `LOG_LEVEL`, `DIALBOOK_DEFAULT_COUNTRY`,
 * and `DIALBOOK_PLUGIN_<INSTANCE>__<KEY>[__<KEY>…]` for plugin options (keys matched
 * case-insensitively, ignoring `-`/`_`; values parsed as JSON when they parse, else strings);
 * `DIALBOOK_SECRET_KEY` and `DIALBOOK_SETTING_<CATEGORY>__<KEY>[__<KEY>…]` for runtime settings.
 */
export function applyEnv(config: DialbookConfig, env: NodeJS.ProcessEnv): DialbookConfig {
  const out = structuredCloneLoose(config);
  const set = (section: 'server' | 'database', key: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    out[section] = { ...(out[section] ?? {}), [key]: value } as never;
  };
  set('server', 'port', env.PORT);
  set('server', 'host', env.HOST);
  set('server', 'publicUrl', env.DIALBOOK_PUBLIC_URL);
  if (env.DIALBOOK_TRUST_PROXY) out.server = { ...(out.server ?? {}), trustProxy: env.DIALBOOK_TRUST_PROXY === 'true' || env.DIALBOOK_TRUST_PROXY === '1' };
  set('database', 'url', env.DATABASE_URL);
  set('database', 'dataDir', env.DIALBOOK_DATA_DIR);
  set('database', 'pool', env.DIALBOOK_DB_POOL);
  if (env.LOG_LEVEL) out.logLevel = env.LOG_LEVEL as never;
  if (env.DIALBOOK_DEFAULT_COUNTRY) out.defaultCountry = env.DIALBOOK_DEFAULT_COUNTRY;

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('DIALBOOK_PLUGIN_') || raw === undefined) continue;
    const [instancePart, ...keyParts] = name.slice('DIALBOOK_PLUGIN_'.length).split('__');
    if (!instancePart || !keyParts.length) continue;
    const plugins = (out.plugins ??= {});
    const instance = Object.keys(plugins).find((id) => envKeyMatches(id, instancePart));
    if (!instance) {
      throw new DialbookError('DIALBOOK_CONFIG_ENV', `${name} names plugin instance "${instancePart.toLowerCase()}", which the config does not list (listed: ${Object.keys(plugins).join(', ') || 'none'})`, {
        field: name,
      });
    }
    const entry = plugins[instance]!;
    const normalised = isPlugin(entry) ? { plugin: entry, options: {} } : { ...entry };
    const node = (normalised.options ?? {}) as Record<string, unknown>;
    normalised.options = node;
    setByEnvKeys(node, keyParts, parseEnvValue(raw));
    plugins[instance] = normalised;
  }

  // ---- settings and mail: DIALBOOK_SECRET_KEY, DIALBOOK_SETTING_<CATEGORY>__<KEY>[__<KEY>…] (empty values are ignored) ----
  if (env.DIALBOOK_SECRET_KEY) out.secretKey = env.DIALBOOK_SECRET_KEY;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('DIALBOOK_SETTING_') || !raw) continue;
    const [categoryPart, ...keyParts] = name.slice('DIALBOOK_SETTING_'.length).split('__');
    if (!categoryPart || !keyParts.length) continue;
    const settings = (out.settings = { ...(out.settings ?? {}) });
    // Categories are `email` and plugin instance ids; unknown ones are reported once plugins are set up.
    const category = [...Object.keys(settings), ...Object.keys(out.plugins ?? {})].find((id) => envKeyMatches(id, categoryPart)) ?? categoryPart.toLowerCase().replace(/_/g, '-');
    const node = { ...(settings[category] ?? {}) };
    setByEnvKeys(node, keyParts, parseEnvValue(raw));
    settings[category] = node;
  }
  return out;
}

function structuredCloneLoose(config: DialbookConfig): DialbookConfig {
  // Plugin values hold functions: copy the plain parts only, keep plugin values by reference.
  const plugins = Object.fromEntries(
    Object.entries(config.plugins ?? {}).map(([id, e]) => [id, isPlugin(e) ? e : { ...e, options: e.options && typeof e.options === 'object' ? JSON.parse(JSON.stringify(e.options)) : e.options }]),
  );
  return { ...config, server: { ...config.server }, database: { ...config.database }, plugins } as DialbookConfig;
}

/**
 * The base URL of links this Dialbook hands out (sign-up and reset links in mails, `dialbook user
 * create`): `server.publicUrl`, else `http://localhost:<server.port>`, the configured port (`PORT`,
 * `server.port`, or `dialbook start --port`), without a trailing slash.
 */
export const linkBase = (server: { publicUrl?: string | undefined; port: number }): string => (server.publicUrl ?? `http://localhost:${server.port}`).replace(/\/+$/, '');

/**
 * Read, merge with the environment and validate the deployment config.
 * Every problem is reported at once, one line each.
 */
export async function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; cwd?: string; config?: DialbookConfig } = {}): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const file = options.config ? options.file : findConfigFile(options.file, env, options.cwd);
  const raw = options.config ?? (file ? await readConfigFile(file) : {});
  if (!raw || typeof raw !== 'object') throw new DialbookError('DIALBOOK_CONFIG_INVALID', `config ${file ?? ''} must be an object`);
  const withEnv = applyEnv(raw, env);
  const normalised = {
    ...withEnv,
    plugins: Object.fromEntries(Object.entries(withEnv.plugins ?? {}).map(([id, e]) => [id, isPlugin(e) ? { plugin: e } : e])),
  };
  const parsed = ConfigSchema.safeParse(normalised);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `config${file ? ` ${file}` : ''}: ${describeIssue(i, normalised)}`);
    throw new DialbookError('DIALBOOK_CONFIG_INVALID', lines.join('\n'), { details: { lines } });
  }
  for (const [id, entry] of Object.entries(parsed.data.plugins)) {
    if (!entry.package && !entry.plugin) {
      throw new DialbookError('DIALBOOK_CONFIG_INVALID', `config: plugin "${id}": expected "package" (an npm name or path) or "plugin" (a definePlugin value), found neither`);
    }
  }
  return { ...parsed.data, ...(file ? { file } : {}), baseDir: file ? dirname(file) : (options.cwd ?? process.cwd()) };
}
