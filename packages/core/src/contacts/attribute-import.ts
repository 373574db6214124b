import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { DialbookError } from '../base/errors.js';
import { Registry } from '../base/registry.js';
import { stableJson } from '../base/text.js';
import { attributeAt } from './attributes.js';
import type { ContactDto } from './types.js';

/** How a CSV row finds its contact: by an e-mail address, the source's id, or an attribute (`ldap.uid`). */
export type ImportMatch = 'email' | 'externalId' | { attribute: string };

/** One column of an attribute import: where its cells go, and how a cell is read. */
export interface AttributeImportColumn {
  /** The CSV header (compared case-insensitively). */
  name: string;
  label?: string;
  /** An attribute path (`cucm.mac`), or with `secret` a registered secret attribute (`cucm.pin`). */
  target: string;
  secret?: boolean;
  /** The stored value of a cell (`00:1a:…` → `SEP001A…`); throw an Error whose message says what is wrong. */
  parse?(raw: string): unknown;
}

/**
 * A CSV upload that sets contact attributes (CUCM's `username, mac, pin`): previewed first —
 * matched and unmatched rows, changed and unchanged values, malformed cells — then applied with
 * History. Registered by a plugin with `ctx.contacts.registerAttributeImport`.
 */
export interface AttributeImport {
  id: string;
  label: string;
  description?: string;
  /** The column holding each row's key, and what it is compared with (may depend on the site's settings). */
  match: { column: string; by: ImportMatch | ((siteId: string) => ImportMatch | Promise<ImportMatch>) };
  columns: AttributeImportColumn[];
}

export type CellStatus = 'changed' | 'unchanged' | 'empty' | 'invalid';
export interface PreviewCell {
  column: string;
  status: CellStatus;
  /** The stored and the new value — never for a secret column. */
  old?: unknown;
  new?: unknown;
  message?: string;
}
export interface PreviewRow {
  line: number;
  key: string;
  contact: { id: string; displayName: string } | null;
  status: 'change' | 'unchanged' | 'unmatched' | 'invalid';
  message?: string;
  cells: PreviewCell[];
}
export interface ImportPreview {
  import: string;
  siteId: string;
  /** Send it back with the same file to apply what was previewed. */
  digest: string;
  ignoredColumns: string[];
  summary: { rows: number; change: number; unchanged: number; unmatched: number; invalid: number };
  rows: PreviewRow[];
}

export const MAX_IMPORT_ROWS = 50_000;

/** What the preview needs of the contacts area. */
export interface ImportContacts {
  scan(query: { siteId: string; status: 'active'; phones: false; batch: number }): AsyncGenerator<ContactDto[]>;
  getSecret(contactId: string, key: string): Promise<string | null>;
}

function keysOf(c: ContactDto, by: ImportMatch): string[] {
  if (by === 'email') return c.emails.map((e) => e.toLowerCase());
  if (by === 'externalId') return c.externalId ? [c.externalId.toLowerCase()] : [];
  const v = attributeAt(c.attributes, by.attribute);
  return typeof v === 'string' || typeof v === 'number' ? [String(v).toLowerCase()] : [];
}

export const importDigest = (id: string, siteId: string, csv: string): string => createHash('sha256').update(`${id}\u0000${siteId}\u0000${csv}`, 'utf8').digest('hex');

/** The file's records with their line numbers; 422 naming the line for a file that is not CSV. */
function records(csv: string): { header: string[]; rows: { line: number; cells: Record<string, string> }[] } {
  let table: string[][];
  try {
    table = parse(csv, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, delimiter: [',', ';', '\t'] }) as string[][];
  } catch (err) {
    throw new DialbookError('DIALBOOK_IMPORT_CSV', `the file is not CSV: ${err instanceof Error ? err.message : String(err)}`, { status: 422, field: 'csv' });
  }
  const [header, ...body] = table;
  if (!header) throw new DialbookError('DIALBOOK_IMPORT_CSV', 'the file is empty: the first line names the columns', { status: 422, field: 'csv' });
  if (body.length > MAX_IMPORT_ROWS) throw new DialbookError('DIALBOOK_IMPORT_CSV', `the file has ${body.length} rows; at most ${MAX_IMPORT_ROWS} are read at once`, { status: 422, field: 'csv' });
  const names = header.map((h) => h.toLowerCase());
  return { header: names, rows: body.map((r, i) => ({ line: i + 2, cells: Object.fromEntries(names.map((n, j) => [n, r[j] ?? ''])) })) };
}

/** The registered imports and their previews (pure reading: nothing is written here). */
export class AttributeImports {
  readonly registry = new Registry<AttributeImport>('attribute import');

  async preview(id: string, siteId: string, csv: string, contacts: ImportContacts): Promise<ImportPreview & { values: Map<number, Record<string, unknown>> }> {
    const imp = this.registry.require(id);
    const by = typeof imp.match.by === 'function' ? await imp.match.by(siteId) : imp.match.by;
    const { header, rows } = records(csv);
    const keyColumn = imp.match.column.toLowerCase();
    if (!header.includes(keyColumn)) {
      throw new DialbookError('DIALBOOK_IMPORT_CSV', `the file has no "${imp.match.column}" column (its columns: ${header.join(', ')}); ${imp.label} needs ${[imp.match.column, ...imp.columns.map((c) => c.name)].join(', ')}`, { status: 422, field: 'csv' });
    }
    const columns = imp.columns.filter((c) => header.includes(c.name.toLowerCase()));
    const known = new Set([keyColumn, ...imp.columns.map((c) => c.name.toLowerCase())]);

    const index = new Map<string, ContactDto[]>();
    for await (const batch of contacts.scan({ siteId, status: 'active', phones: false, batch: 1000 })) {
      for (const c of batch) for (const k of keysOf(c, by)) index.set(k, [...(index.get(k) ?? []), c]);
    }

    const seen = new Map<string, number>();
    const values = new Map<number, Record<string, unknown>>();
    const out: PreviewRow[] = [];
    for (const { line, cells } of rows) {
      const key = cells[keyColumn] ?? '';
      const found = index.get(key.toLowerCase()) ?? [];
      const row: PreviewRow = { line, key, contact: found.length === 1 ? { id: found[0]!.id, displayName: found[0]!.displayName } : null, status: 'unchanged', cells: [] };
      out.push(row);
      const first = seen.get(key.toLowerCase());
      if (!key) Object.assign(row, { status: 'invalid', message: `no ${imp.match.column}` });
      else if (first !== undefined) Object.assign(row, { status: 'invalid', message: `the same ${imp.match.column} as line ${first}` });
      else if (found.length > 1) Object.assign(row, { status: 'invalid', message: `${found.length} contacts of the site have this ${imp.match.column}` });
      else if (!found.length) Object.assign(row, { status: 'unmatched', message: `no contact of the site has this ${imp.match.column}` });
      if (key) seen.set(key.toLowerCase(), first ?? line);
      const contact = row.contact ? found[0]! : null;
      const next: Record<string, unknown> = {};
      for (const col of columns) {
        const raw = cells[col.name.toLowerCase()] ?? '';
        if (!raw) {
          row.cells.push({ column: col.name, status: 'empty' });
          continue;
        }
        let value: unknown;
        try {
          value = col.parse ? col.parse(raw) : raw;
        } catch (err) {
          row.cells.push({ column: col.name, status: 'invalid', message: err instanceof Error ? err.message : String(err) });
          continue;
        }
        const old = contact ? (col.secret ? await contacts.getSecret(contact.id, col.target) : attributeAt(contact.attributes, col.target)) : undefined;
        const changed = !contact || stableJson(old ?? null) !== stableJson(value);
        row.cells.push(col.secret ? { column: col.name, status: changed ? 'changed' : 'unchanged' } : { column: col.name, status: changed ? 'changed' : 'unchanged', old: old ?? null, new: value });
        if (changed) next[col.target] = value;
      }
      if (row.status === 'unchanged') {
        if (row.cells.some((c) => c.status === 'invalid')) Object.assign(row, { status: 'invalid', message: row.cells.filter((c) => c.message).map((c) => `${c.column}: ${c.message}`).join('; ') });
        else if (Object.keys(next).length) row.status = 'change';
      }
      if (row.status === 'change') values.set(line, next);
    }
    const count = (s: PreviewRow['status']) => out.filter((r) => r.status === s).length;
    return {
      import: id,
      siteId,
      digest: importDigest(id, siteId, csv),
      ignoredColumns: header.filter((h) => !known.has(h)),
      summary: { rows: out.length, change: count('change'), unchanged: count('unchanged'), unmatched: count('unmatched'), invalid: count('invalid') },
      rows: out,
      values,
    };
  }
}

/** The attribute patch of one row's values (targets that are not secrets), by namespace. */
export function attributePatch(imp: AttributeImport, values: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const col of imp.columns) {
    if (col.secret || !(col.target in values)) continue;
    const [ns, ...rest] = col.target.split('.');
    (patch[ns!] ??= {})[rest.join('.')] = values[col.target];
  }
  return patch;
}


/** What applying an import did. */
export interface ImportResult {
  applied: number;
  unchanged: number;
  unmatched: number;
  invalid: number;
  failed: { line: number; key: string; message: string }[];
}
