import type { Registry } from '../base/registry.js';
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { AnyEntity, EntitySchema, MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { container as globalContainer, type DependencyContainer, type InjectionToken } from 'tsyringe';
import { AccountsToken } from '../accounts/module.js';
import { AuditToken } from '../audit/module.js';
import { createLogger } from '../base/logger.js';
import { CallRetentionToken, CallSourcesToken, CallsToken } from '../calls/module.js';
import type { ResolvedConfig } from '../config/schema.js';
import { ContactSourcesToken, ContactsToken } from '../contacts/module.js';
import { CredentialsToken } from '../credentials/module.js';
import { dialectOf, openDatabase, resolveDatabaseTarget, type Dialect } from '../db/orm.js';
import { DirectoryToken } from '../directory/module.js';
import { HookBus } from '../hooks/bus.js';
import { ClusterChannels } from '../hooks/channels.js';
import { ClusterRelay } from '../hooks/cluster.js';
import { describePlugins, describePluginsWithHealth } from '../host/describe.js';
import { setupPlugins, startPlugins, stopPlugins } from '../host/lifecycle.js';
import { loadPlugins, type LoadedPlugin } from '../host/load.js';
import { ActionsToken, HealthToken, pluginRegistries, PluginsToken, ViewsToken } from '../host/module.js';
import { JobsToken } from '../jobs/module.js';
import { MailToken } from '../mail/module.js';
import { buildProvided, ClusterToken, collectMigrations, CoreTokens, type CoreModule } from '../module.js';
import { NotificationsToken } from '../notifications/module.js';
import { PhonebooksToken } from '../phonebooks/module.js';
import { RouteExecutorsToken, routingDemoDeps } from '../routing/module.js';
import { SettingsToken } from '../settings/module.js';
import { SitesToken } from '../sites/module.js';
import { VendorHubToken, VendorsToken } from '../vendors/module.js';
import { coreModules } from './modules.js';
import { seedDemo } from './seed.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export interface MigrationStatus {
  dialect: Dialect;
  database: string;
  executed: string[];
  pending: string[];
}

/**
 * One running Dialbook: the database, the container holding every area's service, and the
 * plugins. It composes the areas (`coreModules`) and runs the boot phases; what each area does
 * lives in its folder. The HTTP app is built from it by `createApp` (server, CLI, testing).
 */
export class Dialbook {
  readonly version = pkg.version;
  private started = false;

  constructor(
    readonly config: ResolvedConfig,
    readonly orm: MikroORM,
    readonly plugins: LoadedPlugin[],
    readonly logger: Logger,
    /** Core's container: every area's providers (plugins get a container of their own). */
    readonly container: DependencyContainer,
    readonly modules: readonly CoreModule[] = coreModules,
  ) {}

  resolve<T>(token: InjectionToken<T>): T {
    return this.container.resolve(token);
  }

  // ---- the areas' services, for the CLI, tests and embedding code ----
  get hooks() { return this.resolve(CoreTokens.Hooks); }
  get sites() { return this.resolve(SitesToken); }
  get phonebooks() { return this.resolve(PhonebooksToken); }
  get contacts() { return this.resolve(ContactsToken); }
  /** Registered contact sources and their sync jobs. */
  get sources() { return this.resolve(ContactSourcesToken); }
  get notifications() { return this.resolve(NotificationsToken); }
  get accounts() { return this.resolve(AccountsToken); }
  get audit() { return this.resolve(AuditToken); }
  get credentials() { return this.resolve(CredentialsToken); }
  get jobs() { return this.resolve(JobsToken); }
  /** Runtime settings (categories, values, encrypted secrets). */
  get settings() { return this.resolve(SettingsToken); }
  /** Outgoing mail: templates, outbox worker, test send. */
  get mail() { return this.resolve(MailToken); }
  /** Phone directories: members → order → `directory.beforeRender` → renderer → cached bytes with ETag; fetch audit. */
  get directory() { return this.resolve(DirectoryToken); }
  /** Remote vendor services: connected services, live (phonebook, vendor) states, stored configurations. */
  get vendors() { return this.resolve(VendorsToken); }
  /** The websocket endpoint vendor services connect to; `listen()` attaches it to the HTTP server. */
  get vendorHub() { return this.resolve(VendorHubToken); }
  /** The call log: every source's calls and manual ones, matched to contacts. */
  get calls() { return this.resolve(CallsToken); }
  /** The daily purge of calls past each site's retention (`calls.retentionDays`). */
  get callRetention() { return this.resolve(CallRetentionToken); }
  /** On PostgreSQL: relays `phonebook.changed`, `settings.changed`, `credential.revoked`, `routing.changed`, `cluster.resync` and core's private channels to the other instances (LISTEN/NOTIFY). */
  get cluster() { return this.resolve(ClusterToken); }
  /** Core's private channels between instances (`src/hooks/channels.ts`); internal, never on a plugin's `ctx`. */
  get channels() { return this.resolve(CoreTokens.Channels); }
  /** What plugins registered, by kind. */
  get registries() {
    const ofAreas = Object.assign({}, ...this.modules.map((m) => m.registries?.(this.container) ?? {})) as Record<string, Registry<{ id: string }>>;
    return { ...ofAreas, ...pluginRegistries(this.container), callSources: this.resolve(CallSourcesToken), routeExecutors: this.resolve(RouteExecutorsToken) };
  }

  get dialect(): Dialect {
    return dialectOf(this.orm);
  }

  async migrationStatus(): Promise<MigrationStatus> {
    const migrator = this.orm.migrator;
    const executed = (await migrator.getExecuted()).map((m) => m.name);
    const pending = (await migrator.getPending()).map((m) => m.name);
    return { dialect: this.dialect, database: resolveDatabaseTarget(this.config.database).display, executed, pending };
  }

  /** Apply pending migrations; returns their names. */
  async migrate(): Promise<string[]> {
    const done = await this.orm.migrator.up();
    return done.map((m) => m.name);
  }

  async readiness(): Promise<{ ready: boolean; database: 'ok' | 'unreachable'; pendingMigrations: string[] | null }> {
    try {
      await this.orm.em.getConnection().execute('select 1');
    } catch {
      return { ready: false, database: 'unreachable', pendingMigrations: null };
    }
    const pending = (await this.orm.migrator.getPending()).map((m) => m.name);
    return { ready: pending.length === 0, database: 'ok', pendingMigrations: pending };
  }

  /** `setup` every plugin in config order, then freeze the registries. */
  async setup(): Promise<void> {
    await setupPlugins(this.plugins, {
      container: this.container,
      modules: this.modules,
      hooks: this.hooks,
      logger: this.logger,
      configDir: this.config.baseDir,
      publicUrl: this.config.server.publicUrl,
      orm: this.orm,
      actions: this.resolve(ActionsToken),
      health: this.resolve(HealthToken),
      views: this.resolve(ViewsToken),
      settings: this.settings,
    });
    this.mail.sealTemplates(); // the plugins' mail templates join the email settings before those are checked
    this.settings.seal(); // config/env settings naming unknown categories or keys, all at once
    for (const registry of Object.values(this.registries)) registry.freeze();
  }

  /** Start the event relay, every plugin in order, then the areas. A failure stops what started, in reverse. */
  async start(): Promise<void> {
    await this.cluster?.start();
    try {
      await startPlugins(this.plugins);
      for (const m of this.modules) await m.start?.(this.container);
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.started = true;
  }

  /**
   * Stop started plugins in reverse order, each within `shutdownTimeoutMs` (a plugin that hangs
   * is logged and skipped), then the event relay, then the areas in reverse, then close the database.
   */
  async stop(): Promise<void> {
    await stopPlugins(this.plugins, this.config.shutdownTimeoutMs, this.logger);
    this.started = false;
    await this.cluster?.stop();
    for (const m of [...this.modules].reverse()) await m.stop?.(this.container);
    await this.orm.close(true);
  }

  get isStarted(): boolean {
    return this.started;
  }

  describePlugins() {
    return describePlugins(this.plugins, pluginRegistries(this.container));
  }

  /** {@link describePlugins} with each plugin's health checks run now (see `host/describe.ts`). */
  describePluginsWithHealth(timeoutMs?: number) {
    return describePluginsWithHealth(this.plugins, pluginRegistries(this.container), timeoutMs);
  }
}

export { HEALTH_CHECK_TIMEOUT_MS, type PluginHealthResult } from '../host/describe.js';

export interface CreateOptions {
  logger?: Logger;
  /** Skip applying migrations (the CLI's `migrate` command decides itself). */
  migrate?: boolean;
}

/**
 * Boot phases: import plugins → validate every plugin's options (all problems at once) → open the
 * database with the areas' and the plugins' entities → migrate → register the areas → `setup`
 * plugins in order → freeze registries. Call `start()` afterwards.
 */
export async function createDialbook(config: ResolvedConfig, options: CreateOptions = {}): Promise<Dialbook> {
  const modules = coreModules;
  const logger = options.logger ?? createLogger(config.logLevel);
  const plugins = await loadPlugins(config);
  // One package may run as several instances (ldap-berlin, ldap-munich): its tables and migrations count once.
  const packages = [...new Map(plugins.map((p) => [p.plugin.name, p.plugin])).values()];
  const migrations = (dialect: Dialect) => [...collectMigrations(modules, dialect), ...packages.flatMap((p) => p.migrations?.[dialect] ?? [])];
  const entities = [...modules.flatMap((m) => m.entities ?? []), ...packages.flatMap((p) => p.entities ?? [])] as EntitySchema<AnyEntity>[];
  const orm = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, pool: config.database.pool, entities, migrations: { sqlite: migrations('sqlite'), postgresql: migrations('postgresql') }, logger });
  try {
    const container = globalContainer.createChildContainer();
    const hooks = new HookBus(logger);
    const channels = new ClusterChannels(hooks, logger);
    container.registerInstance(CoreTokens.Config, config);
    container.registerInstance(CoreTokens.Logger, logger);
    container.registerInstance(CoreTokens.Orm, orm);
    container.registerInstance(CoreTokens.Hooks, hooks);
    container.registerInstance(CoreTokens.Channels, channels);
    container.registerInstance(PluginsToken, plugins);
    for (const m of modules) m.register?.(container);
    buildProvided(container); // every area's service, lower areas first (each hooks into the bus as it is built)
    const dialbook = new Dialbook(config, orm, plugins, logger, container, modules);
    const cluster = dialectOf(orm) === 'postgresql' && config.database.url ? new ClusterRelay(config.database.url, hooks, channels, logger.child({ area: 'cluster' }), dialbook.jobs.instance) : null;
    container.register(ClusterToken, { useFactory: () => cluster }); // (a factory: tsyringe takes a null instance for none)
    if (options.migrate ?? config.migrateOnStart) {
      const applied = await dialbook.migrate();
      if (applied.length) logger.info({ applied }, `applied ${applied.length} migration(s)`);
    }
    if (config.demo) await seedDemo({ sites: dialbook.sites, phonebooks: dialbook.phonebooks, logger, defaultCountry: config.defaultCountry, routing: routingDemoDeps(container, orm) });
    await dialbook.setup();
    return dialbook;
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}
