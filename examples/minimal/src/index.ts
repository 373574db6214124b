/**
 * @dialbook/example-csv — a contact source that keeps a site's contacts in step
 * with a CSV file. It is written only against the public API of `@dialbook/core`,
 * the way a third-party plugin would be.
 *
 * ```yaml
 * plugins:
 *   staff:
 *     package: '@dialbook/example-csv'
 *     options: { file: ./staff.csv, site: main }
 * ```
 */
import { createReadStream } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { parse, type Parser } from 'csv-parse';
import { DialbookError, definePlugin, isDialbookError, z, type PluginContext, type SiteDto, type SyncResult } from '@dialbook/core';
import { CSV_COLUMNS, normaliseHeader, rowToContact } from './mapping.js';

export { CSV_COLUMNS, normaliseHeader, rowToContact, splitList, type ContactFields, type CsvRow, type MappedRow } from './mapping.js';

/** The `source` of every contact this plugin writes. */
export const SOURCE = 'csv';

export const CsvOptionsSchema = z
  .object({
    /** Path of the CSV file; a relative path is read from the directory of the config file (the working directory when there is none). */
    file: z.string().min(1),
    /** Slug of the site the contacts belong to. */
    site: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a site slug (lower-case letters, digits and dashes)')
      .default('main'),
    /** Field separator: `,` by default, `;` for spreadsheets saved with German settings, `\t` for TSV. */
    delimiter: z
      .string()
      .min(1)
      .max(4)
      .refine((d) => !/["\r\n]/.test(d), 'a delimiter other than a double quote or a line break')
      .default(','),
    /** Sync once when Dialbook starts. */
    syncOnStart: z.boolean().default(true),
  })
  .strict();

export type CsvOptions = z.output<typeof CsvOptionsSchema>;
type Ctx = PluginContext<CsvOptions>;

/** What one sync did, beyond the counts every source reports. */
export interface CsvSyncOutcome extends SyncResult {
  /** Contacts that were deleted in Dialbook and are back in the file (counted in `updated`). */
  restored: number;
  /** True when the file had no valid row: nothing was deleted (see the notification). */
  deletionSkipped: boolean;
  /** The first failed rows: line number, id and what was wrong. */
  failures: { line: number; externalId: string | null; message: string }[];
}

/** Per-instance state: one package may run as several instances. */
interface State {
  /** The file's path on the server: for the log and the admin's connection test only. */
  file: string;
  /** The file's name without its directory: what notifications, results and labels show. */
  name: string;
  /** Running syncs by site id: a second request for the same site joins the first. */
  running: Map<string, Promise<CsvSyncOutcome>>;
  /** Aborted on stop, so a long sync gives up between rows. */
  stopping: AbortController;
}

const MAX_REPORTED_FAILURES = 20;

/** Relative paths are read from the config file's directory, like the config's own `package` paths. */
function resolveFile(ctx: Ctx): string {
  const { file } = ctx.options;
  return isAbsolute(file) ? file : resolve(ctx.configDir, file);
}

async function requireSite(ctx: Ctx, siteId?: string): Promise<SiteDto> {
  if (siteId) return ctx.sites.get(siteId);
  const site = await ctx.sites.findBySlug(ctx.options.site);
  if (site) return site;
  const known = (await ctx.sites.list()).map((s) => s.slug);
  throw new DialbookError(
    'DIALBOOK_CSV_SITE_UNKNOWN',
    `plugin "${ctx.id}": site "${ctx.options.site}" does not exist (option "site"; existing sites: ${known.join(', ') || 'none'})`,
    { status: 422, plugin: ctx.id, field: 'site' },
  );
}

/**
 * Open the file as a stream of records. The header row names the columns; it must
 * have an `id` column. Rows the parser cannot read (a stray quote, too many fields)
 * go to `onBadRecord` with their line number and parsing carries on.
 */
function openCsv(file: string, shown: string, delimiter: string, onBadRecord: (line: number, message: string) => void, onHeader?: (columns: string[]) => void): Parser {
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_column_count_less: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      onBadRecord(typeof err?.lines === 'number' ? err.lines : 0, err?.message ?? 'unreadable record');
      return undefined;
    },
    columns: (header: string[]) => {
      const columns = header.map(normaliseHeader);
      if (!columns.includes('id')) {
        throw new DialbookError('DIALBOOK_CSV_HEADER', `${shown}: the header row has no "id" column (found: ${columns.map((c) => `"${c}"`).join(', ') || 'nothing'}; expected ${CSV_COLUMNS.join(', ')})`, { status: 422 });
      }
      onHeader?.(columns);
      return columns;
    },
  });
  const input = createReadStream(file);
  input.on('error', (err) => parser.destroy(err));
  return input.pipe(parser);
}

/** A file that cannot be read, named as `shown` (Node's own message names the path: it is replaced too). */
const fileError = (ctx: Ctx, file: string, shown: string, err: unknown): DialbookError =>
  isDialbookError(err)
    ? err
    : new DialbookError('DIALBOOK_CSV_FILE', `plugin "${ctx.id}": cannot read ${shown}: ${(err instanceof Error ? err.message : String(err)).replaceAll(file, shown)}`, { status: 422, plugin: ctx.id, field: 'file', cause: err });

/** Lines a record spans beyond its first: line breaks inside quoted fields. */
const extraLines = (record: Record<string, string | undefined>): number => Object.values(record).reduce((n, v) => n + (v?.match(/\r\n|\r|\n/g)?.length ?? 0), 0);

/** Page through the site's contacts of this source with a given status, `pageSize` 500. */
async function* contactsOfSource(ctx: Ctx, siteId: string, status: 'active' | 'deleted') {
  for (let page = 1; ; page++) {
    const res = await ctx.contacts.list({ siteId, source: SOURCE, status, pageSize: 500, page });
    yield* res.items;
    if (page * res.pageSize >= res.total || !res.items.length) return;
  }
}

/**
 * One sync of the file into a site: create and update what is in the file,
 * soft-delete this source's contacts that are no longer in it.
 */
async function syncFile(ctx: Ctx, state: State, site: SiteDto, request: { signal?: AbortSignal | undefined; progress?: ((done: number, total?: number) => void) | undefined } = {}): Promise<CsvSyncOutcome> {
  const { file, name, stopping } = state;
  const signal = request.signal ? AbortSignal.any([request.signal, stopping.signal]) : stopping.signal;
  const outcome: CsvSyncOutcome = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0, restored: 0, deletionSkipped: false, failures: [] };
  const log = ctx.logger.child({ site: site.slug, file });

  const fail = (line: number, externalId: string | null, message: string) => {
    outcome.failed++;
    if (outcome.failures.length < MAX_REPORTED_FAILURES) outcome.failures.push({ line, externalId, message });
    log.warn({ line, externalId }, `line ${line}${externalId ? ` (id "${externalId}")` : ''} skipped: ${message}`);
  };
  /** Ids seen in the file with their line; ids of failed rows are kept too, so their contacts are not deleted. */
  const seen = new Map<string, number>();
  const keep = new Set<string>();
  let rows = 0;

  const unknownColumns = (columns: string[]) => {
    const unknown = columns.filter((c) => c && !(CSV_COLUMNS as readonly string[]).includes(c));
    if (unknown.length) log.warn({ columns: unknown }, `ignoring unknown column(s): ${unknown.join(', ')}`);
  };
  /** Create or update the contact of one record; a row that cannot be imported is counted and skipped. */
  const handleRow = async (record: Record<string, string | undefined>, line: number): Promise<void> => {
    const mapped = rowToContact(record);
    if (!mapped.ok) {
      if (mapped.externalId) keep.add(mapped.externalId);
      return fail(line, mapped.externalId, mapped.problems.join('; '));
    }
    const { externalId, contact } = mapped;
    const first = seen.get(externalId);
    if (first !== undefined) return fail(line, externalId, `id "${externalId}" appears again (first on line ${first}); the first row was used`);
    seen.set(externalId, line);
    try {
      const result = await ctx.contacts.upsertFromSource(site.id, SOURCE, externalId, contact, ctx.actor);
      if (result.created) outcome.created++;
      else if (result.restored) {
        outcome.updated++;
        outcome.restored++;
      } else if (result.changes.length) outcome.updated++;
      else outcome.unchanged++;
    } catch (err) {
      // Rejected by the core's validation or by another plugin's filter: skip the row, keep its contact.
      if (!isDialbookError(err) || err.status !== 422) throw err;
      keep.add(externalId);
      fail(line, externalId, err.message);
    }
  };

  /** Whether an error comes from handling a row (rethrown as it is) rather than from reading the file. */
  let inRow = false;
  try {
    const records = openCsv(file, name, ctx.options.delimiter, (line, message) => fail(line, null, message), unknownColumns);
    for await (const { record, info } of records as AsyncIterable<{ record: Record<string, string | undefined>; info: { lines: number } }>) {
      signal.throwIfAborted();
      rows++;
      inRow = true;
      await handleRow(record, info.lines - extraLines(record));
      inRow = false;
      request.progress?.(rows);
    }
  } catch (err) {
    if (signal.aborted) throw new DialbookError('DIALBOOK_CSV_ABORTED', `plugin "${ctx.id}": sync of ${name} was stopped after ${rows} row(s)`, { plugin: ctx.id, cause: err });
    throw inRow ? err : fileError(ctx, file, name, err);
  }

  // Soft-delete this source's contacts the file no longer lists — unless the file had no valid row at all.
  const gone: string[] = [];
  let active = 0;
  for await (const c of contactsOfSource(ctx, site.id, 'active')) {
    active++;
    if (!c.externalId || (!seen.has(c.externalId) && !keep.has(c.externalId))) gone.push(c.id);
  }
  if (outcome.created + outcome.updated + outcome.unchanged === 0 && active > 0) {
    outcome.deletionSkipped = true;
    const why = rows ? `none of its ${rows} row(s) was valid` : 'it has no data rows';
    log.warn({ active }, `${file}: ${why}; kept all ${active} contact(s) of site "${site.slug}" from this source`);
    await ctx.notifications.notify({
      siteId: site.id,
      level: 'warning',
      title: `CSV "${ctx.id}": nothing was deleted because ${why}`,
      body: `${name} yielded no valid contact, while site "${site.slug}" holds ${active} contact(s) from it. An empty file usually means an export went wrong, so all of them were kept. Fix the file and sync again; to remove the contacts on purpose, delete them in Dialbook.`,
    });
  } else {
    for (const id of gone) {
      signal.throwIfAborted();
      try {
        await ctx.contacts.softDelete(id, ctx.actor);
        outcome.deleted++;
      } catch (err) {
        if (!isDialbookError(err) || err.code !== 'DIALBOOK_CONTACT_DELETED') throw err; // deleted meanwhile: fine
      }
    }
  }

  if (outcome.failed) {
    const shown = outcome.failures.slice(0, 10).map((f) => `line ${f.line}${f.externalId ? ` (id "${f.externalId}")` : ''}: ${f.message}`);
    if (outcome.failed > shown.length) shown.push(`… and ${outcome.failed - shown.length} more (see the log)`);
    await ctx.notifications.notify({ siteId: site.id, level: 'warning', title: `CSV "${ctx.id}": ${outcome.failed} row(s) of ${name} could not be imported`, body: shown.join('\n') });
  }
  const { created, updated, deleted, unchanged, failed } = outcome;
  log.info({ created, updated, deleted, unchanged, failed, restored: outcome.restored, rows }, `synced ${rows} row(s): ${summary(outcome)}`);
  await ctx.hooks.emit('sync.finished', { source: SOURCE, siteId: site.id, created, updated, deleted, unchanged, failed });
  return outcome;
}

/** Run a sync for a site, or join the one already running for it. */
function sync(ctx: Ctx, state: State, site: SiteDto, request?: Parameters<typeof syncFile>[3]): Promise<CsvSyncOutcome> {
  const { running } = state;
  const current = running.get(site.id);
  if (current) return current;
  const started = syncFile(ctx, state, site, request).finally(() => running.delete(site.id));
  running.set(site.id, started);
  return started;
}

export const summary = (o: SyncResult & { restored?: number }): string =>
  `${o.created} created, ${o.updated} updated${o.restored ? ` (${o.restored} restored)` : ''}, ${o.deleted} deleted, ${o.unchanged} unchanged, ${o.failed} failed`;

const counts = ({ created, updated, deleted, unchanged, failed }: SyncResult): SyncResult => ({ created, updated, deleted, unchanged, failed });

/** Errors an admin can fix (unknown site, unreadable file): reported, not thrown, by actions and the start-up sync. */
const isOperational = (err: unknown): err is DialbookError => isDialbookError(err) && err.status < 500;

export default definePlugin({
  name: 'example-csv',
  version: '0.1.0',
  description: 'Contacts from a CSV file (example plugin)',
  options: CsvOptionsSchema,

  setup(ctx) {
    const file = resolveFile(ctx);
    // What start and stop need, handed to them by the host (one per instance: no module-level state).
    const state: State = { file, name: basename(file), running: new Map(), stopping: new AbortController() };

    ctx.contacts.registerSource({
      id: ctx.id,
      label: `CSV file ${state.name}`,
      sync: async ({ siteId, signal, progress }) => counts(await sync(ctx, state, await requireSite(ctx, siteId), { signal, progress })),
      async test() {
        let rows = 0;
        let unreadable = 0;
        try {
          for await (const _ of openCsv(state.file, state.file, ctx.options.delimiter, () => void unreadable++)) rows++;
        } catch (err) {
          // The connection test is for whoever set the plugin up: it names the path.
          return { ok: false, message: fileError(ctx, state.file, state.file, err).message };
        }
        return { ok: true, message: `${state.file} is readable: ${rows} data row(s)${unreadable ? `, ${unreadable} unreadable` : ''}` };
      },
    });

    ctx.actions.register({
      id: 'sync',
      label: 'Sync now',
      // Shown to the users of that site only (`sites`), and without the file's directory.
      description: `Read the CSV file ${state.name} and bring site "${ctx.options.site}" in step with it`,
      sites: async () => {
        const site = await ctx.sites.findBySlug(ctx.options.site);
        return site ? [site.id] : [];
      },
      // Run by the core as the tracked sync job of the site (GET /api/v1/jobs shows its progress).
      syncs: ctx.id,
      async run({ siteId, progress }) {
        try {
          const outcome = await sync(ctx, state, await requireSite(ctx, siteId), { progress });
          const message = outcome.deletionSkipped ? `${summary(outcome)}; nothing was deleted because the file had no valid row (see notifications)` : summary(outcome);
          return { ok: !outcome.deletionSkipped, message, data: { ...counts(outcome), restored: outcome.restored, failures: outcome.failures } };
        } catch (err) {
          if (isOperational(err)) return { ok: false, message: err.message };
          throw err;
        }
      },
    });
    return state;
  },

  async start(ctx, state) {
    if (!ctx.options.syncOnStart) return;
    // An unknown site is a configuration error: refuse to start, naming the slug.
    const site = await requireSite(ctx);
    const { name } = state;
    try {
      // Tracked like "Sync now": the same job id (`<instance>.sync:<site id>`), so GET /api/v1/jobs lists it.
      await ctx.jobs.track(`sync:${site.id}`, `CSV file ${name}: sync of site "${site.slug}"`, (progress) => sync(ctx, state, site, { progress }));
    } catch (err) {
      // The file may be briefly unavailable (a share not mounted yet): start anyway, tell the admin.
      if (!isOperational(err)) throw err;
      ctx.logger.error({ err }, `start-up sync failed: ${err.message}`);
      await ctx.notifications.notify({ siteId: site.id, level: 'error', title: `CSV "${ctx.id}": start-up sync failed`, body: err.message });
    }
  },

  async stop(_ctx, state) {
    state.stopping.abort();
    await Promise.allSettled(state.running.values());
  },
});
