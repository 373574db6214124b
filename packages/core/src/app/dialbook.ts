import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { MikroORM } from '@mikro-orm/core';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { ResolvedConfig } from '../config/schema.js';
import { linkBase } from '../config/load.js';
import { dialectOf, openDatabase, resolveDatabaseTarget, type Dialect } from '../db/orm.js';
import { AccountService } from '../accounts/service.js';
import { CredentialService } from '../credentials/service.js';
import { JobService } from '../jobs/service.js';
import { DirectoryService } from '../directory/service.js';
import { VendorHub } from '../vendors/hub.js';
import { VendorServices } from '../vendors/service.js';
import { ContactService } from '../contacts/service.js';
import { NotificationService } from '../notifications/service.js';
import { PhonebookService } from '../phonebooks/service.js';
import { SiteService } from '../sites/service.js';
import { DialbookError } from '../base/errors.js';
import type { Actor } from '../base/actor.js';
import type { SyncResult } from '../plugin/contracts.js';
import { ClusterRelay } from '../hooks/cluster.js';
import { HookBus } from '../hooks/bus.js';
import { createApp } from './http.js';
import type { AppEnv } from '../http/env.js';
import { createLogger } from '../base/logger.js';
import { MailService } from '../mail/service.js';
import { createPluginContext, loadPlugins, withTimeout, type LoadedPlugin } from '../host/load.js';
import { createRegistries, freezeAll, type Registries } from '../plugin/registries.js';
import { Tokens } from '../plugin/tokens.js';
import { seedDemo } from './seed.js';
import { SettingsService } from '../settings/service.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export interface MigrationStatus {
  dialect: Dialect;
  database: string;
  executed: string[];
  pending: string[];
}

/**
 * One running Dialbook: database, hook bus, registries, domain services, plugins
 * and the HTTP app. Built by {@link createDialbook}; the CLI and
 * `@dialbook/core/testing` both go through it.
 */
export class Dialbook {
  readonly version = pkg.version;
  readonly hooks: HookBus;
  readonly registries: Registries = createRegistries();
  readonly sites: SiteService;
  readonly phonebooks: PhonebookService;
  readonly contacts: ContactService;
  readonly notifications: NotificationService;
  readonly accounts: AccountService;
  readonly credentials: CredentialService;
  readonly jobs: JobService;
  /** Runtime settings (categories, values, encrypted secrets). */
  readonly settings: SettingsService;
  /** Outgoing mail: templates, outbox worker, test send. */
  readonly mail: MailService;
  /** Phone directories: members → order → `directory.beforeRender` → renderer → cached bytes with ETag; fetch audit. */
  readonly directory: DirectoryService;
  /** Remote vendor services: connected services, live (phonebook, vendor) states, stored configurations. */
  readonly vendors: VendorServices;
  /** The websocket endpoint vendor services connect to; `listen()` attaches it to the HTTP server. */
  readonly vendorHub: VendorHub;
  /** On PostgreSQL: relays `phonebook.changed`, `settings.changed`, `credential.revoked`, `cluster.resync` and the vendor-service state and commands (`vendor.*`) to the other instances (LISTEN/NOTIFY). */
  readonly cluster: ClusterRelay | null;
  app!: Hono<AppEnv>;
  private started = false;

  constructor(
    readonly config: ResolvedConfig,
    readonly orm: MikroORM,
    readonly plugins: LoadedPlugin[],
    readonly logger: Logger,
    readonly container: DependencyContainer,
  ) {
    this.hooks = new HookBus(logger);
    this.notifications = new NotificationService(orm, this.hooks);
    this.sites = new SiteService(orm, this.hooks);
    this.phonebooks = new PhonebookService(orm, this.hooks);
    this.contacts = new ContactService(orm, this.hooks, this.notifications, { defaultCountry: config.defaultCountry ?? null });
    const publicUrl = linkBase(config.server);
    this.settings = new SettingsService(orm, this.hooks, logger.child({ area: 'settings' }), { secretKey: config.secretKey, overrides: config.settings });
    this.mail = new MailService(orm, this.hooks, this.settings, logger.child({ area: 'mail' }), { ...config.mail, publicUrl });
    this.accounts = new AccountService(orm, logger.child({ area: 'accounts' }), { publicUrl: () => publicUrl, mail: () => this.mail });
    this.credentials = new CredentialService(orm, this.hooks);
    this.jobs = new JobService(orm, logger.child({ area: 'jobs' }));
    this.directory = new DirectoryService({ orm, hooks: this.hooks, registries: this.registries, phonebooks: this.phonebooks, contacts: this.contacts, logger: logger.child({ area: 'directory' }) });
    this.vendors = new VendorServices({ orm, hooks: this.hooks, credentials: this.credentials, phonebooks: this.phonebooks, sites: this.sites, directory: this.directory, logger: logger.child({ area: 'vendors' }), secretKey: config.secretKey, answerTimeoutMs: config.vendorServices.answerTimeoutMs });
    this.vendorHub = new VendorHub(this.vendors, this.credentials, logger.child({ area: 'vendors' }), { heartbeatMs: config.vendorServices.heartbeatMs });
    this.cluster = dialectOf(orm) === 'postgresql' && config.database.url ? new ClusterRelay(config.database.url, this.hooks, logger.child({ area: 'cluster' }), this.jobs.instance) : null;
    // Site and phonebook mails go to administrators, staff and the site's users.
    this.mail.setRecipients((siteId) => this.accounts.recipientsFor(siteId));
    container.registerInstance(Tokens.Settings, this.settings);
    container.registerInstance(Tokens.Mail, this.mail);
    container.registerInstance(Tokens.Config, config);
    container.registerInstance(Tokens.Logger, logger);
    container.registerInstance(Tokens.Orm, orm);
    container.registerInstance(Tokens.Hooks, this.hooks);
    container.registerInstance(Tokens.Registries, this.registries);
    container.registerInstance(Tokens.Sites, this.sites);
    container.registerInstance(Tokens.Phonebooks, this.phonebooks);
    container.registerInstance(Tokens.Contacts, this.contacts);
    container.registerInstance(Tokens.Notifications, this.notifications);
    container.registerInstance(Tokens.Accounts, this.accounts);
    container.registerInstance(Tokens.Credentials, this.credentials);
    container.registerInstance(Tokens.Jobs, this.jobs);
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

  /** `setup` every plugin in config order, freeze the registries, build the HTTP app. */
  async setup(): Promise<void> {
    const services = { configDir: this.config.baseDir, container: this.container, logger: this.logger, hooks: this.hooks, registries: this.registries, contacts: this.contacts, sites: this.sites, phonebooks: this.phonebooks, notifications: this.notifications, settings: this.settings, jobs: this.jobs, orm: this.orm };
    for (const p of this.plugins) {
      if (p.plugin.settings) this.settings.register({ id: p.id, label: p.plugin.description ?? p.plugin.name, scope: p.plugin.settingsScope ?? 'global', schema: p.plugin.settings }, p.id);
      const ctx = createPluginContext(p, services);
      try {
        await p.plugin.setup(ctx);
        p.state = 'setup';
      } catch (cause) {
        p.state = 'failed';
        throw new DialbookError('DIALBOOK_PLUGIN_SETUP', `plugin "${p.id}" failed in setup: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, plugin: p.id });
      }
    }
    this.settings.seal(); // config/env settings naming unknown categories or keys, all at once
    freezeAll(this.registries);
    this.app = createApp(this);
  }

  /** `start` every plugin in order. A failure stops the ones already started, in reverse. */
  async start(): Promise<void> {
    if (this.cluster) {
      await this.cluster.start();
      // Vendor services connected to any instance are shown, and commanded, from every instance.
      this.vendors.joinCluster(this.cluster, this.config.vendorServices.heartbeatMs);
    }
    for (const p of this.plugins) {
      if (!p.plugin.start) {
        p.state = 'started';
        continue;
      }
      try {
        await p.plugin.start(p.ctx!);
        p.state = 'started';
      } catch (cause) {
        p.state = 'failed';
        await this.stop();
        throw new DialbookError('DIALBOOK_PLUGIN_START', `plugin "${p.id}" failed to start: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, plugin: p.id });
      }
    }
    await this.settings.checkSecrets(); // warns when stored secrets cannot be read (key missing or changed)
    this.mail.start();
    this.started = true;
  }

  /**
   * Stop started plugins in reverse order, each within `shutdownTimeoutMs`
   * (a plugin that hangs is logged and skipped), then the mail worker, then close the database.
   */
  async stop(): Promise<void> {
    for (const p of [...this.plugins].reverse()) {
      if (p.state !== 'started') continue;
      try {
        if (p.plugin.stop) await withTimeout(`plugin "${p.id}" stop`, this.config.shutdownTimeoutMs, () => p.plugin.stop!(p.ctx!));
        p.state = 'stopped';
      } catch (err) {
        p.state = 'failed';
        this.logger.error({ err, plugin: p.id }, `plugin "${p.id}" did not stop cleanly`);
      }
    }
    this.started = false;
    await this.cluster?.stop();
    await this.vendorHub.close();
    this.jobs.stop();
    await this.directory.stop(); // writes the queued fetch audit rows
    await this.mail.stop();
    await this.orm.close(true);
  }

  /**
   * Run a contact source's sync into a site as a tracked job (`<source>.sync:<site id>`),
   * refusing a second run of the same pair while one is going.
   */
  async syncSource(sourceId: string, siteId: string, actor: Actor): Promise<SyncResult> {
    const source = this.registries.contactSources.require(sourceId);
    if (!source.sync) throw new DialbookError('DIALBOOK_SOURCE_NO_SYNC', `${source.label} cannot sync`, { status: 422 });
    const owner = this.registries.contactSources.ownerOf(sourceId) ?? 'core';
    return this.jobs.track(`${sourceId}.sync:${siteId}`, `${source.label}: sync`, owner, (progress) => source.sync!({ siteId, actor, progress }));
  }

  get isStarted(): boolean {
    return this.started;
  }

  describePlugins() {
    const of = <T extends { id: string }>(reg: { list(): T[]; ownerOf(id: string): string | undefined }, owner: string) => reg.list().filter((x) => reg.ownerOf(x.id) === owner);
    return this.plugins.map((p) => ({
      id: p.id,
      name: p.plugin.name,
      version: p.plugin.version ?? null,
      description: p.plugin.description ?? null,
      from: p.from,
      state: p.state,
      contactSources: of(this.registries.contactSources, p.id).map((s) => s.id),
      renderers: of(this.registries.renderers, p.id).map((r) => r.id),
      actions: of(this.registries.actions, p.id).map((a) => ({ id: a.id, label: a.label, description: a.description ?? null })),
    }));
  }

  /**
   * {@link describePlugins} with each plugin's registered health checks (`ctx.health.register`) run now:
   * all in parallel, each cut off after `timeoutMs`. A check that throws, times out or answers
   * something else than `{ ok, message }` is reported as not ok, with what went wrong as its message.
   */
  async describePluginsWithHealth(timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<(ReturnType<Dialbook['describePlugins']>[number] & { health: PluginHealthResult[] })[]> {
    const checks = this.registries.health.list();
    const results = await Promise.all(
      checks.map(async (check): Promise<PluginHealthResult & { owner: string }> => {
        const owner = this.registries.health.ownerOf(check.id) ?? 'core';
        const started = Date.now();
        let ok = false;
        let message: string;
        try {
          const r: unknown = await withTimeout(`health check "${check.id}"`, timeoutMs, () => check.check());
          const answer = (r ?? {}) as { ok?: unknown; message?: unknown };
          ok = answer.ok === true;
          message = typeof answer.message === 'string' ? answer.message : typeof answer.ok === 'boolean' ? '' : 'the check answered no { ok, message }';
        } catch (err) {
          message = err instanceof Error ? err.message : String(err);
        }
        return { owner, id: check.id, label: check.label, ok, message, checkedAt: new Date().toISOString(), durationMs: Date.now() - started };
      }),
    );
    return this.describePlugins().map((p) => ({ ...p, health: results.filter((r) => r.owner === p.id).map(({ owner: _owner, ...r }) => r) }));
  }
}

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

export interface CreateOptions {
  logger?: Logger;
  /** Skip applying migrations (the CLI's `migrate` command decides itself). */
  migrate?: boolean;
}

/**
 * Boot phases: import plugins → validate every plugin's options (all problems
 * at once) → open the database with core and plugin entities → migrate →
 * `setup` in order → freeze registries. Call `start()` afterwards.
 */
export async function createDialbook(config: ResolvedConfig, options: CreateOptions = {}): Promise<Dialbook> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const plugins = await loadPlugins(config);
  // One package may run as several instances (ldap-berlin, ldap-munich): its tables and migrations count once.
  const packages = [...new Map(plugins.map((p) => [p.plugin.name, p.plugin])).values()];
  const migrations = { sqlite: packages.flatMap((p) => p.migrations?.sqlite ?? []), postgresql: packages.flatMap((p) => p.migrations?.postgresql ?? []) };
  const orm = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir, entities: packages.flatMap((p) => p.entities ?? []), migrations, logger });
  try {
    const dialbook = new Dialbook(config, orm, plugins, logger, rootContainer.createChildContainer());
    if (options.migrate ?? config.migrateOnStart) {
      const applied = await dialbook.migrate();
      if (applied.length) logger.info({ applied }, `applied ${applied.length} migration(s)`);
    }
    if (config.demo) await seedDemo(dialbook);
    await dialbook.setup();
    return dialbook;
  } catch (err) {
    await orm.close(true);
    throw err;
  }
}
