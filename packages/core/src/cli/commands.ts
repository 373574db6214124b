// The commands of the `dialbook` CLI; `main.ts` loads this once the Node.js version is known to be good.
import { Command } from 'commander';
import { linkBase, loadConfig } from '../config/load.js';
import { resolveDatabaseTarget } from '../db/orm.js';
import { createDialbook } from '../app/dialbook.js';
import { DialbookError, isDialbookError } from '../base/errors.js';
import { systemActor } from '../base/actor.js';
import { createLogger } from '../base/logger.js';
import { loadPlugins } from '../host/load.js';
import { closeOnSignals, listen } from '../app/server.js';

/** Print a failure as one line per problem and exit non-zero (78, EX_CONFIG, for configuration problems). */
function fail(err: unknown): never {
  if (isDialbookError(err)) {
    for (const line of err.message.split('\n')) process.stderr.write(`dialbook: ${line}\n`);
    process.exit(err.code.startsWith('DIALBOOK_CONFIG') || err.code.startsWith('DIALBOOK_PLUGIN_OPTIONS') || err.code.startsWith('DIALBOOK_PLUGIN_IMPORT') ? 78 : 1);
  }
  process.stderr.write(`dialbook: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

const program = new Command('dialbook').description('Dialbook: contacts, phonebooks, calls and routes for business telephony').option('-c, --config <file>', 'config file (default: $DIALBOOK_CONFIG, then ./dialbook.config.*)');

const configFile = (): string | undefined => program.opts<{ config?: string }>().config;

function portOption(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new DialbookError('DIALBOOK_CONFIG_INVALID', `--port ${value}: expected a port number from 0 to 65535`, { field: 'port' });
  return port;
}

program
  .command('start')
  .description('apply migrations, start the plugins and serve the API')
  .option('-p, --port <port>', 'port (default: $PORT, then server.port, then 3000)')
  .action(async (opts: { port?: string }) => {
    const loaded = await loadConfig({ file: configFile() });
    // --port is the configured port from here on: links in mails use it too (unless server.publicUrl is set).
    const config = opts.port === undefined ? loaded : { ...loaded, server: { ...loaded.server, port: portOption(opts.port) } };
    const logger = createLogger(config.logLevel);
    const dialbook = await createDialbook(config, { logger });
    await dialbook.start();
    const running = await listen(dialbook);
    closeOnSignals(running, dialbook);
    logger.info({ url: running.url, database: resolveDatabaseTarget(config.database).display, plugins: dialbook.plugins.map((p) => p.id) }, `Dialbook ${dialbook.version} listening on ${running.url} (API docs: ${running.url}/docs)`);
  });

program
  .command('migrate')
  .description('apply pending database migrations (core and plugins)')
  .option('--status', 'only list applied and pending migrations')
  .action(async (opts: { status?: boolean }) => {
    const config = await loadConfig({ file: configFile() });
    const dialbook = await createDialbook({ ...config, demo: false }, { logger: createLogger('warn'), migrate: false });
    try {
      const status = await dialbook.migrationStatus();
      if (opts.status) {
        process.stdout.write(`database: ${status.database} (${status.dialect})\n`);
        for (const m of status.executed) process.stdout.write(`  applied  ${m}\n`);
        for (const m of status.pending) process.stdout.write(`  pending  ${m}\n`);
        return;
      }
      const applied = await dialbook.migrate();
      process.stdout.write(applied.length ? `applied ${applied.length} migration(s) to ${status.database}: ${applied.join(', ')}\n` : `${status.database} is up to date (${status.executed.length} migration(s))\n`);
    } finally {
      await dialbook.stop();
    }
  });

const configCmd = program.command('config').description('inspect the deployment config');
configCmd
  .command('check')
  .description('validate the config and every plugin option, print the resolved plugin list')
  .action(async () => {
    const config = await loadConfig({ file: configFile() });
    const plugins = await loadPlugins(config);
    process.stdout.write(`config: ${config.file ?? '(none: defaults)'}\n`);
    process.stdout.write(`database: ${resolveDatabaseTarget(config.database).display}\n`);
    process.stdout.write(`server: ${config.server.host}:${config.server.port}\n`);
    process.stdout.write(`plugins (${plugins.length}, in setup order):\n`);
    for (const p of plugins) process.stdout.write(`  ${p.id}  ${p.plugin.name}${p.plugin.version ? `@${p.plugin.version}` : ''}  from ${p.from}\n`);
    process.stdout.write('ok\n');
  });

program
  .command('plugins')
  .description('list the configured plugins and what each registers')
  .action(async () => {
    const config = await loadConfig({ file: configFile() });
    const dialbook = await createDialbook({ ...config, demo: false, database: { ...config.database, url: 'sqlite::memory:' } }, { logger: createLogger('warn') });
    try {
      const list = dialbook.describePlugins();
      if (!list.length) process.stdout.write('no plugins configured\n');
      for (const p of list) {
        process.stdout.write(`${p.id}  ${p.name}${p.version ? `@${p.version}` : ''}  (${p.from})${p.description ? `  ${p.description}` : ''}\n`);
        if (p.contactSources.length) process.stdout.write(`  contact sources: ${p.contactSources.join(', ')}\n`);
        if (p.renderers.length) process.stdout.write(`  directory renderers: ${p.renderers.join(', ')}\n`);
        if (p.actions.length) process.stdout.write(`  actions: ${p.actions.map((a) => a.id).join(', ')}\n`);
      }
    } finally {
      await dialbook.stop();
    }
  });

/** Open the configured database (migrated), run `fn`, close. */
async function withCore<T>(fn: (d: Awaited<ReturnType<typeof createDialbook>>) => Promise<T>): Promise<T> {
  const config = await loadConfig({ file: configFile() });
  const dialbook = await createDialbook({ ...config, demo: false }, { logger: createLogger('warn') });
  try {
    return await fn(dialbook);
  } finally {
    await dialbook.stop();
  }
}

const userCmd = program.command('user').description('manage accounts');
userCmd
  .command('create')
  .description('create an account and print its sign-up link (valid 12 hours; also mailed when mail is set up)')
  .argument('<email>', 'e-mail address')
  .option('--admin', 'give the administrator role (the first administrator is made this way)')
  .option('--staff', 'give the staff role')
  .option('--first-name <name>')
  .option('--last-name <name>')
  .option('--site <slug...>', 'assign sites by slug (users only see their sites)')
  .action(async (email: string, opts: { admin?: boolean; staff?: boolean; firstName?: string; lastName?: string; site?: string[] }) => {
    await withCore(async (d) => {
      const siteIds: string[] = [];
      for (const slug of opts.site ?? []) {
        const site = await d.sites.findBySlug(slug);
        if (!site) throw new DialbookError('DIALBOOK_SITE_UNKNOWN', `no site with slug "${slug}" (known: ${(await d.sites.list()).map((s) => s.slug).join(', ') || 'none'})`);
        siteIds.push(site.id);
      }
      const role = opts.admin ? 'admin' : opts.staff ? 'staff' : 'user';
      const { user, signupLink } = await d.accounts.createUser({ email, role, siteIds, firstName: opts.firstName ?? null, lastName: opts.lastName ?? null }, systemActor);
      process.stdout.write(`created ${user.role} ${user.email}\nsign-up link (valid 12 hours, single use):\n${signupLink}\n`);
      if (!d.config.server.publicUrl) {
        process.stderr.write(
          `dialbook: server.publicUrl is not set, so the link starts with ${linkBase(d.config.server)} (the configured port: $PORT, else server.port, else 3000); ` +
            'where the server is reached at another address, set server.publicUrl (or DIALBOOK_PUBLIC_URL)\n',
        );
      }
    });
  });

program
  .command('sync')
  .description("run a contact source's sync now (e.g. `dialbook sync ldap --site main`)")
  .argument('<source>', 'the source id (its plugin instance id)')
  .option('--site <slug...>', 'sites to sync (default: every site)')
  .action(async (sourceId: string, opts: { site?: string[] }) => {
    await withCore(async (d) => {
      const sites = opts.site ? await Promise.all(opts.site.map(async (slug) => (await d.sites.findBySlug(slug)) ?? Promise.reject(new DialbookError('DIALBOOK_SITE_UNKNOWN', `no site with slug "${slug}"`)))) : await d.sites.list();
      let failed = 0;
      for (const site of sites) {
        try {
          const r = await d.sources.sync(sourceId, site, systemActor);
          process.stdout.write(`${site.slug}: ${r.created} created, ${r.updated} updated, ${r.deleted} deleted, ${r.unchanged} unchanged, ${r.failed} failed\n`);
          if (r.failed) failed++;
        } catch (err) {
          failed++;
          process.stderr.write(`dialbook: ${site.slug}: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
      if (failed) process.exitCode = 1;
    });
  });

const tokenCmd = program.command('token').description('API tokens for automation');
tokenCmd
  .command('create')
  .description("create an API token for a user and print it (it acts with the user's rights)")
  .argument('<email>', 'the owner')
  .option('--name <name>', 'what the token is for', 'cli')
  .action(async (email: string, opts: { name: string }) => {
    await withCore(async (d) => {
      const user = await d.accounts.findByEmail(email);
      if (!user) throw new DialbookError('DIALBOOK_USER_UNKNOWN', `no user ${email}`);
      const { token } = await d.accounts.createApiToken(user.id, opts.name, null, systemActor);
      process.stdout.write(`${token}\n`);
    });
  });

const serviceKeyCmd = program.command('service-key').description('keys for remote vendor services (dialbook-yealink, …)');
serviceKeyCmd
  .command('create')
  .description('create a key a remote vendor service registers with, and print it (shown once; revoke with DELETE /api/v1/credentials/{id})')
  .argument('<service>', 'the service name, e.g. yealink')
  .option('--phonebook <id>', 'limit the service to this phonebook')
  .option('--name <name>', 'what the key is for')
  .action(async (service: string, opts: { phonebook?: string; name?: string }) => {
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(service)) throw new DialbookError('DIALBOOK_SERVICE_NAME_INVALID', `"${service}" is not a service name (lower-case letters, digits and dashes, e.g. yealink)`);
    await withCore(async (d) => {
      const { secret } = await d.credentials.createServiceKey(service, opts.phonebook ?? null, opts.name ?? `${service} service`, systemActor);
      process.stdout.write(`${secret}\n`);
    });
  });

program.parseAsync(process.argv).catch(fail);
