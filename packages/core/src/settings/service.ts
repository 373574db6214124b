import { LockMode, type MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { z } from 'zod';
import { SettingEntity, type Setting } from './entities.js';
import { SiteEntity } from '../sites/entities.js';
import { dialectOf } from '../db/orm.js';
import { actorKey, type Actor } from '../base/actor.js';
import type { FieldProblem } from '../base/validate.js';
import { conflict, DialbookError, invalid, notFound } from '../base/errors.js';
import type { HookBus } from '../hooks/bus.js';
import { CATEGORY_ID, type RegisteredCategory, type SettingCategory, type SettingScope } from './category.js';
import { SecretBox } from '../base/secret-box.js';
import { mapOverrides, matchCategory, type Overrides } from './overrides.js';
import { clone, deepMerge, deletePath, getPath, isPlainObject, overlaps, setPath, splitPath, type Json } from './paths.js';
import { defaultsOf, isSecretPath, leafPaths, schemaAt, secretPaths } from './schema.js';

/** What the API shows of one category in one scope. Secrets appear only as `{ set: boolean }`. */
export interface SettingsView {
  category: string;
  scope: SettingScope;
  siteId: string | null;
  /** Effective values: defaults ← database ← config ← environment. */
  values: Json;
  /** Key paths set by the config file or the environment; they cannot be changed here. */
  locked: string[];
  /** Required keys that have no value yet. */
  missing: string[];
  /** Keys whose effective value the schema refuses (e.g. after an upgrade changed it). */
  errors: FieldProblem[];
  updatedAt: string | null;
  /** Actor key of the last change (`user:<id>`, `plugin:<id>`, …). */
  updatedBy: string | null;
  /** Who that is, for people: the user's e-mail (also for a change made with their API token), `plugin <id>`, `Dialbook`; null when unknown (a deleted user). */
  updatedByName: string | null;
}

export interface CategoryInfo {
  id: string;
  label: string;
  description: string | null;
  scope: SettingScope;
  owner: string;
  /** JSON Schema (draft 2020-12) of the category; secrets carry `writeOnly: true` and `x-secret: true`. */
  schema: Record<string, unknown>;
}

export interface SettingsOptions {
  /** `DIALBOOK_SECRET_KEY`: at least 32 characters. Without it, secrets can be neither saved nor read. */
  secretKey?: string | undefined;
  /** `settings` from the config, with `DIALBOOK_SETTING_…` environment values merged in. */
  overrides?: Record<string, unknown> | undefined;
  /** Who an actor key (`user:<id>`, `apiKey:<id>`) is, as a person reads it (an e-mail); null when unknown. */
  actorNames?: ((key: string) => Promise<string | null>) | undefined;
}

interface Layer {
  values: Json;
  secrets: Json;
  row: Setting | null;
}

/**
 * Runtime settings: a registry of categories (core's and one per plugin instance with
 * a `settings` schema) and their values, resolved as schema defaults ← database ←
 * config file ← environment. Values from config or environment lock their keys.
 */
export class SettingsService {
  private readonly categories = new Map<string, RegisteredCategory>();
  private readonly overrides = new Map<string, Overrides>();
  /** Config/env problems per category, reported together by {@link seal}. */
  private readonly problems = new Map<string, string[]>();
  private readonly box: SecretBox;
  private sealed = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly hooks: HookBus,
    private readonly logger: Logger,
    private readonly options: SettingsOptions = {},
  ) {
    this.box = new SecretBox(options.secretKey);
  }

  /** Add a category. Core does this for `email`; the host does it for each plugin with `settings`. */
  register(category: SettingCategory, owner = 'core'): void {
    if (!CATEGORY_ID.test(category.id)) throw new DialbookError('DIALBOOK_SETTINGS_CATEGORY', `settings category id "${category.id}" must be lower-case letters, digits and dashes`);
    if (this.categories.has(category.id)) {
      throw new DialbookError('DIALBOOK_SETTINGS_CATEGORY', `settings category "${category.id}" is registered twice (by ${this.categories.get(category.id)!.owner} and ${owner})`);
    }
    if ((category.schema as { _zod?: { def?: { type?: string } } })?._zod?.def?.type !== 'object') {
      throw new DialbookError('DIALBOOK_SETTINGS_CATEGORY', `the settings of "${category.id}" must be a z.object(…) schema`, owner === 'core' ? {} : { plugin: owner });
    }
    this.add(category, owner);
  }

  /**
   * Give a registered category a new schema before start-up ends ({@link seal}): mail adds the
   * plugins' templates to `email` once every plugin has registered its own.
   */
  redefine(category: SettingCategory): void {
    const { owner } = this.category(category.id);
    if (this.sealed) throw new DialbookError('DIALBOOK_SETTINGS_CATEGORY', `settings category "${category.id}" cannot change after start-up`);
    if ((category.schema as { _zod?: { def?: { type?: string } } })?._zod?.def?.type !== 'object') throw new DialbookError('DIALBOOK_SETTINGS_CATEGORY', `the settings of "${category.id}" must be a z.object(…) schema`);
    this.add(category, owner);
  }

  /** The box that encrypts secrets at rest with `DIALBOOK_SECRET_KEY`, for areas that keep secrets of their own (the mail outbox). */
  get secretBox(): SecretBox {
    return this.box;
  }

  private add(category: SettingCategory, owner: string): void {
    this.categories.set(category.id, { ...category, owner });
    const key = matchCategory(Object.keys(this.options.overrides ?? {}), category.id);
    const { overrides, problems } = mapOverrides(category.id, category.schema, key ? this.options.overrides![key] : undefined);
    this.overrides.set(category.id, overrides);
    this.problems.set(category.id, problems);
  }

  /**
   * After every category is registered (plugins set up): report config/env settings
   * naming unknown categories or keys, or holding refused values — all at once.
   */
  seal(): void {
    this.sealed = true;
    const ids = [...this.categories.keys()];
    const problems = [...this.problems.values()].flat();
    for (const key of Object.keys(this.options.overrides ?? {})) {
      if (!matchCategory(ids, key)) problems.push(`settings.${key}: no settings category "${key}" (known: ${ids.join(', ')})`);
    }
    if (problems.length) throw new DialbookError('DIALBOOK_CONFIG_INVALID', problems.join('\n'), { details: { lines: problems } });
  }

  list(): CategoryInfo[] {
    return [...this.categories.values()].map((c) => ({ id: c.id, label: c.label, description: c.description ?? null, scope: c.scope, owner: c.owner, schema: jsonSchemaOf(c.schema) }));
  }

  /** Whether a category of this id is registered. */
  has(id: string): boolean {
    return this.categories.has(id);
  }

  category(id: string): RegisteredCategory {
    const c = this.categories.get(id);
    if (!c) throw new DialbookError('DIALBOOK_SETTINGS_UNKNOWN_CATEGORY', `no settings category "${id}"`, { status: 404, details: { id } });
    return c;
  }

  /**
   * The effective, validated settings of a category (secrets decrypted), for code that
   * uses them: core's mailer, `ctx.settings.get()` of a plugin. For a site-scoped
   * category, `siteId` picks that site's values over the shared ones (a global category
   * ignores it). `secrets: false` leaves secrets out (and so works without `DIALBOOK_SECRET_KEY`).
   */
  async get<T = Json>(categoryId: string, siteId?: string | null, options: { secrets?: boolean } = {}): Promise<T> {
    const cat = this.category(categoryId);
    const { merged } = await this.resolve(cat, cat.scope === 'global' ? null : (siteId ?? null), options.secrets ?? true);
    const parsed = cat.schema.safeParse(merged);
    if (!parsed.success) {
      const problems = this.describe(cat, parsed.error.issues, merged);
      throw new DialbookError('DIALBOOK_SETTINGS_INVALID', `settings "${cat.id}" are incomplete or invalid: ${problems.map((p) => `${cat.id}.${p.field}: ${p.message}`).join('; ')}`, {
        status: 409,
        details: { category: cat.id, errors: problems.map((p) => ({ ...p, field: `${cat.id}.${p.field}` })) },
      });
    }
    return parsed.data as T;
  }

  /** What the API shows: effective values without secrets, locked and missing keys. */
  async read(categoryId: string, siteId?: string | null): Promise<SettingsView> {
    const cat = this.category(categoryId);
    const { merged, own, scope } = await this.resolve(cat, siteId ?? null);
    const values = clone(merged) as Json;
    for (const path of secretPaths(cat.schema)) {
      const v = getPath(merged, splitPath(path));
      setPath(values, splitPath(path), { set: v !== undefined && v !== null });
    }
    const parsed = cat.schema.safeParse(merged);
    const problems = parsed.success ? [] : this.describe(cat, parsed.error.issues, merged);
    return {
      category: cat.id,
      scope: cat.scope,
      siteId: scope === 'global' ? null : scope,
      values,
      locked: this.overrides.get(cat.id)?.locked ?? [],
      missing: problems.filter((p) => p.message === 'not set').map((p) => p.field),
      errors: problems.filter((p) => p.message !== 'not set'),
      updatedAt: own.row?.updatedAt.toISOString() ?? null,
      updatedBy: own.row?.updatedBy ?? null,
      updatedByName: own.row?.updatedBy ? await this.actorName(own.row.updatedBy) : null,
    };
  }

  /**
   * Deep-patch the values stored in the database. A secret set to `null` is cleared; any
   * other key set to `null` that cannot hold null goes back to its default. Locked keys
   * are refused (409 `DIALBOOK_SETTING_LOCKED`), invalid values 422 naming the key.
   * Emits `settings.changed` with the changed key paths (never values).
   */
  async update(categoryId: string, patch: unknown, options: { siteId?: string | null; actor: Actor }): Promise<SettingsView> {
    const cat = this.category(categoryId);
    if (!isPlainObject(patch)) throw invalid('DIALBOOK_VALIDATION', 'expected an object of settings');
    const scope = await this.scopeOf(cat, options.siteId ?? null);
    const secretKeys = secretPaths(cat.schema);
    // A secret sent back as the API shows it (`{ set: true }`) is left as it is.
    const { leaves, unknown } = leafPaths(patch, cat.schema);
    const untouched = (l: string) => secretKeys.includes(l) && isPlainObject(getPath(patch, splitPath(l))) && Object.keys(getPath(patch, splitPath(l)) as Json).join() === 'set';
    leaves.splice(0, leaves.length, ...leaves.filter((l) => !untouched(l)));
    if (unknown.length) throw refused(unknown.map((field) => ({ field, message: `no such setting in "${cat.id}"` })));
    const locked = this.overrides.get(cat.id)?.locked ?? [];
    for (const leaf of leaves) {
      const hit = locked.find((l) => overlaps(l, leaf));
      if (hit) throw conflict('DIALBOOK_SETTING_LOCKED', `setting "${cat.id}.${hit}" is set by the deployment config or the environment and cannot be changed here`, leaf);
    }

    // One transaction (the row locked on PostgreSQL): concurrent patches of one category do not lose each other's keys.
    const lock = dialectOf(this.orm) === 'postgresql' ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {};
    const actor = actorKey(options.actor);
    const changed = await this.orm.em.fork().transactional(async (em) => {
      const row = await em.findOne(SettingEntity, { category: cat.id, scope }, lock);
      const addressed = (s: string) => leaves.some((l) => l === s || (s.startsWith(`${l}.`) && getPath(patch, splitPath(l)) === null));
      // Old secrets are needed only for those the patch leaves alone (so a wrong key can be recovered from by re-entering all).
      const oldSecrets: Json = row?.secrets && !secretKeys.every(addressed) ? this.box.decrypt(row.secrets, { category: cat.id, scope }) : {};
      const values = clone(row?.values ?? {});
      const secrets: Json = Object.fromEntries(Object.entries(oldSecrets).filter(([k]) => secretKeys.includes(k) && !addressed(k)));
      const keys: string[] = [];

      for (const leaf of leaves) {
        const path = splitPath(leaf);
        const value = getPath(patch, path);
        if (secretKeys.includes(leaf)) {
          if (value !== null) secrets[leaf] = value;
          keys.push(leaf);
          continue;
        }
        const before = JSON.stringify(getPath(values, path));
        if (value === null && !z.safeParse(schemaAt(cat.schema, path)!, null).success) deletePath(values, path);
        else setPath(values, path, value);
        if (JSON.stringify(getPath(values, path)) !== before) keys.push(leaf);
      }

      // Validate the result as it will be seen: shared values (site scope), these, overrides.
      const shared = scope === 'global' ? emptyLayer() : await this.layer(em, cat, 'global');
      const merged = this.merge(cat, [shared, { values, secrets, row: null }]);
      const parsed = cat.schema.safeParse(merged);
      if (!parsed.success) {
        const problems = this.describe(cat, parsed.error.issues, merged).filter((p) => p.message !== 'not set');
        if (problems.length) throw refused(problems);
      }

      const encrypted = Object.keys(secrets).length ? this.box.encrypt(secrets, { category: cat.id, scope }) : null;
      await em.upsert(SettingEntity, { category: cat.id, scope, values, secrets: encrypted, updatedAt: new Date(), updatedBy: actor });
      return keys;
    });
    this.logger.info({ category: cat.id, scope, keys: changed, actor }, `settings "${cat.id}" changed`);
    if (changed.length) await this.hooks.emit('settings.changed', { category: cat.id, scope, keys: changed, actor: options.actor });
    return this.read(cat.id, scope === 'global' ? null : scope);
  }

  /** On start: warn about stored secrets that cannot be read (no key, or another key). */
  async checkSecrets(): Promise<void> {
    const rows = await this.orm.em.fork().find(SettingEntity, { secrets: { $ne: null } });
    for (const row of rows) {
      try {
        this.box.decrypt(row.secrets!, { category: row.category, scope: row.scope });
      } catch (err) {
        this.logger.warn({ code: (err as DialbookError).code, category: row.category, scope: row.scope }, (err as Error).message);
      }
    }
  }

  // ---- internals -------------------------------------------------------------------

  /** A stored actor key as a person reads it (users by e-mail, via the provider the accounts area gives); the key itself without one. */
  private async actorName(key: string): Promise<string | null> {
    const [type, ...rest] = key.split(':');
    if (type === 'plugin') return `plugin ${rest.join(':')}`;
    if (type === 'system') return 'Dialbook';
    return this.options.actorNames ? this.options.actorNames(key) : key;
  }

  private async scopeOf(cat: RegisteredCategory, siteId: string | null): Promise<string> {
    if (!siteId) return 'global';
    if (cat.scope === 'global') throw invalid('DIALBOOK_SETTINGS_GLOBAL', `settings "${cat.id}" are global; they take no siteId`, 'siteId');
    if (!(await this.orm.em.fork().count(SiteEntity, { id: siteId }))) throw notFound('site', siteId);
    return siteId;
  }

  private async resolve(cat: RegisteredCategory, siteId: string | null, secrets = true): Promise<{ merged: Json; own: Layer; scope: string }> {
    const scope = await this.scopeOf(cat, siteId);
    const em = this.orm.em.fork();
    const layers = [await this.layer(em, cat, 'global', secrets)];
    if (scope !== 'global') layers.push(await this.layer(em, cat, scope, secrets));
    return { merged: this.merge(cat, layers), own: layers[layers.length - 1]!, scope };
  }

  private async layer(em: ReturnType<MikroORM['em']['fork']>, cat: RegisteredCategory, scope: string, secrets = true): Promise<Layer> {
    const row = await em.findOne(SettingEntity, { category: cat.id, scope });
    if (!row) return emptyLayer();
    return { values: row.values ?? {}, secrets: row.secrets && secrets ? this.box.decrypt(row.secrets, { category: cat.id, scope }) : {}, row };
  }

  private merge(cat: RegisteredCategory, layers: Layer[]): Json {
    let merged = defaultsOf(cat.schema) as Json;
    for (const l of layers) {
      const withSecrets = clone(l.values);
      for (const [path, v] of Object.entries(l.secrets)) if (schemaAt(cat.schema, splitPath(path))) setPath(withSecrets, splitPath(path), v);
      merged = deepMerge(merged, withSecrets) as Json;
    }
    return deepMerge(merged, this.overrides.get(cat.id)?.values ?? {}) as Json;
  }

  /** Issues as `{ field, message }`: `not set` for missing keys; a secret's message never carries its value. */
  private describe(cat: RegisteredCategory, issues: readonly z.core.$ZodIssue[], merged: Json): FieldProblem[] {
    return issues.map((i) => {
      const path = i.path.map(String);
      const field = path.join('.');
      if (getPath(merged, path) === undefined && i.code === 'invalid_type') return { field, message: 'not set' };
      if (isSecretPath(cat.schema, path)) return { field, message: i.code === 'invalid_type' ? `expected ${i.expected}` : 'invalid value (not shown: secret)' };
      return { field, message: i.message };
    });
  }
}

const emptyLayer = (): Layer => ({ values: {}, secrets: {}, row: null });

/** 422 naming every refused key (`smtp.port`), as request validation does. */
const refused = (problems: FieldProblem[]): DialbookError =>
  new DialbookError('DIALBOOK_VALIDATION', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { status: 422, field: problems[0]!.field, details: { errors: problems } });

function jsonSchemaOf(schema: z.ZodObject): Record<string, unknown> {
  try {
    return toJsonSchema(schema);
  } catch {
    return { type: 'object' }; // a schema JSON Schema cannot describe (e.g. a cycle): the form falls back to raw JSON
  }
}

function toJsonSchema(schema: z.ZodObject): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const meta = z.globalRegistry.get(ctx.zodSchema as unknown as z.ZodType) as { secret?: unknown } | undefined;
      const js = ctx.jsonSchema as Record<string, unknown>;
      delete js.secret;
      if (meta?.secret === true) {
        js.writeOnly = true;
        js['x-secret'] = true;
        delete js.default;
        delete js.examples;
      }
    },
  }) as Record<string, unknown>;
}
