/**
 * CSV attribute imports plugins registered (`GET /imports`; staff): pick the import and the site, choose a
 * file (read here, in the browser) or paste it, **Preview** (`POST /imports/{id}/preview`, nothing written)
 * shows the summary and every row — change, unchanged, unmatched or invalid with why, each cell old → new
 * (a secret column only "changed" / "unchanged") — filterable by status; **Apply** (confirmed, naming how
 * many contacts change) sends the same file with the preview's digest and shows what was applied.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type ChangeEvent, type FormEvent } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { useImports, type AttributeImport } from '../api/plugin-features';
import { useSites } from '../api/queries';
import { Link } from '../router';
import { showAttribute } from '../ui/attributes';
import { ConfirmButton } from '../ui/confirm';
import { SelectField, TextArea } from '../ui/forms';
import { Empty, ErrorMessage, QueryState } from '../ui/states';
import { columnHelper, DataTable } from '../ui/table';

type Preview = Schemas['AttributeImportPreview'];
type PreviewRow = Preview['rows'][number];
type Result = Schemas['AttributeImportResult'];
type Status = PreviewRow['status'];

const STATUSES: { status: Status; label: string; tone: string }[] = [
  { status: 'change', label: 'change', tone: 'ok' },
  { status: 'unchanged', label: 'unchanged', tone: '' },
  { status: 'unmatched', label: 'unmatched', tone: 'warn' },
  { status: 'invalid', label: 'invalid', tone: 'bad' },
];
const toneOf = (s: Status) => STATUSES.find((x) => x.status === s)?.tone ?? '';

export function ImportPage() {
  const imports = useImports();
  return (
    <section>
      <header className="page-head">
        <div>
          <p className="crumbs">Tools /</p>
          <h1>Import</h1>
          <p className="muted">Set contact attributes from a CSV file. Preview first: nothing is written until you apply.</p>
        </div>
      </header>
      <QueryState query={imports} what="Loading the imports">
        {(items) => (items.length === 0 ? <Empty>No plugin registers a CSV import.</Empty> : <ImportForm imports={items} />)}
      </QueryState>
    </section>
  );
}

interface Previewed {
  preview: Preview;
  importId: string;
  siteId: string;
  csv: string;
}

function ImportForm({ imports }: { imports: AttributeImport[] }) {
  const queries = useQueryClient();
  const sites = useSites();
  const [importId, setImportId] = useState(imports[0]!.id);
  const [chosenSite, setSiteId] = useState('');
  const siteId = chosenSite || (sites.data?.length === 1 ? sites.data[0]!.id : '');
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [siteError, setSiteError] = useState<string | undefined>();
  const [previewed, setPreviewed] = useState<Previewed | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const definition = imports.find((i) => i.id === importId) ?? imports[0]!;

  /** Any change of what would be sent makes the preview (and a result) stale. */
  const stale = () => {
    setPreviewed(null);
    setResult(null);
    setError(null);
  };
  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    stale();
    setFileName(file.name);
    setCsv(await file.text());
  };
  const preview = async (e: FormEvent) => {
    e.preventDefault();
    stale();
    if (!siteId) return setSiteError('Choose the site whose contacts the file is for.');
    setSiteError(undefined);
    if (!csv.trim()) return setError(new Error('Choose a file or paste its content first.'));
    setBusy(true);
    try {
      const p = await ok(api.POST('/imports/{id}/preview', { params: { path: { id: importId } }, body: { siteId, csv } }));
      setPreviewed({ preview: p, importId, siteId, csv });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const apply = async () => {
    if (!previewed) return;
    try {
      const r = await ok(api.POST('/imports/{id}/apply', { params: { path: { id: previewed.importId } }, body: { siteId: previewed.siteId, csv: previewed.csv, digest: previewed.preview.digest } }));
      setResult(r);
      setPreviewed(null);
      await queries.invalidateQueries({ queryKey: ['contacts'] });
      await queries.invalidateQueries({ queryKey: ['contact'] });
    } catch (err) {
      setPreviewed(null);
      setError(err instanceof ApiError && err.status === 409 ? new Error(`The file is not the one previewed: ${err.message}`) : err);
    }
  };

  return (
    <>
      <form className="card import-form" onSubmit={(e) => void preview(e)} noValidate aria-label="CSV import">
        <div className="form-grid">
          <SelectField label="Import" value={importId} onChange={(e) => {
            stale();
            setImportId(e.target.value);
          }}>
            {imports.map((i) => (
              <option key={i.id} value={i.id}>
                {i.label} ({i.owner})
              </option>
            ))}
          </SelectField>
          <SelectField label="Site" value={siteId} error={siteError} onChange={(e) => {
            stale();
            setSiteId(e.target.value);
          }}>
            {(sites.data?.length ?? 0) !== 1 && <option value="">Choose a site</option>}
            {sites.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>
        {definition.description && <p>{definition.description}</p>}
        <p className="small import-columns">
          Columns: <code>{definition.match}</code> <span className="muted">(names the contact)</span>
          {definition.columns.map((c) => (
            <span key={c.name}>
              , <code>{c.name}</code>
              {c.label !== c.name && <span className="muted"> ({c.label})</span>}
              {c.secret && <span className="badge">secret</span>}
            </span>
          ))}
          . Separated by commas, semicolons or tabs; the first line names the columns.
        </p>
        <div className="field">
          <label htmlFor="import-file">CSV file</label>
          <input id="import-file" type="file" accept=".csv,.txt,text/csv,text/plain" onChange={(e) => void readFile(e)} />
          {fileName && <small>Read {fileName} ({csv.split(/\r?\n/).filter(Boolean).length} lines).</small>}
        </div>
        <TextArea
          label="Or paste the CSV"
          className="mono"
          rows={6}
          value={csv}
          spellCheck={false}
          placeholder={[definition.match, ...definition.columns.map((c) => c.name)].join(',')}
          onChange={(e) => {
            stale();
            setFileName('');
            setCsv(e.target.value);
          }}
        />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Previewing…' : 'Preview'}
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      {previewed && <PreviewCard previewed={previewed} definition={imports.find((i) => i.id === previewed.importId) ?? definition} onApply={apply} />}
      {result && <ResultCard result={result} />}
    </>
  );
}

function PreviewCard({ previewed, definition, onApply }: { previewed: Previewed; definition: AttributeImport; onApply: () => Promise<void> }) {
  const { preview: p } = previewed;
  const [filter, setFilter] = useState<Status | null>(null);
  const rows = useMemo(() => (filter ? p.rows.filter((r) => r.status === filter) : p.rows), [p.rows, filter]);
  const columns = useMemo(() => previewColumns(definition), [definition]);
  const s = p.summary;
  return (
    <section className="card import-preview" aria-labelledby="import-preview">
      <h2 id="import-preview">Preview</h2>
      <p role="status" aria-label="Preview summary" className="import-summary">
        {s.rows} row{s.rows === 1 ? '' : 's'}: <strong>{s.change} to change</strong>, {s.unchanged} unchanged, {s.unmatched} unmatched, {s.invalid} invalid.
      </p>
      {p.ignoredColumns.length > 0 && (
        <p className="notice small">
          Ignored columns (not part of this import): {p.ignoredColumns.map((c, i) => [i ? ', ' : '', <code key={c}>{c}</code>])}
        </p>
      )}
      <div className="toolbar">
        <div className="segmented" role="group" aria-label="Show rows">
          <button type="button" aria-pressed={filter === null} onClick={() => setFilter(null)}>
            All ({s.rows})
          </button>
          {STATUSES.map((x) => (
            <button key={x.status} type="button" aria-pressed={filter === x.status} onClick={() => setFilter(x.status)}>
              {x.label} ({s[x.status]})
            </button>
          ))}
        </div>
        {s.change === 0 ? (
          <span className="muted">Nothing to apply.</span>
        ) : (
          <ConfirmButton
            className="primary"
            title="Apply the import"
            message={
              <p>
                Change {s.change} contact{s.change === 1 ? '' : 's'} as previewed, with History? The {s.unchanged + s.unmatched + s.invalid} other row(s) are left alone.
              </p>
            }
            confirmLabel={`Apply to ${s.change} contact${s.change === 1 ? '' : 's'}`}
            onConfirm={onApply}
          >
            Apply…
          </ConfirmButton>
        )}
      </div>
      <DataTable label="Preview rows" columns={columns} rows={rows} rowId={(r) => String(r.line)} empty={filter ? `No ${filter} rows.` : 'The file has no rows.'} cards="phone" className="import-rows" />
    </section>
  );
}

function previewColumns(definition: AttributeImport) {
  const col = columnHelper<PreviewRow>();
  const secret = new Set(definition.columns.filter((c) => c.secret).map((c) => c.name.toLowerCase()));
  return col.columns([
    col.accessor('line', { header: 'Line', enableSorting: true, meta: { className: 'nowrap' } }),
    col.accessor('key', { header: definition.match, enableSorting: true, cell: (c) => <code>{c.getValue() || '—'}</code>, meta: { label: definition.match } }),
    col.accessor((r) => r.contact?.displayName ?? '', { id: 'contact', header: 'Contact', enableSorting: true, cell: (c) => (c.row.original.contact ? <Link to={`/contacts/${c.row.original.contact.id}`}>{c.row.original.contact.displayName}</Link> : <span className="muted">—</span>) }),
    col.accessor('status', {
      header: 'Status',
      enableSorting: true,
      cell: (c) => (
        <>
          <span className={`badge ${toneOf(c.getValue())}`}>{c.getValue()}</span>
          {c.row.original.message && <span className="row-message small"> {c.row.original.message}</span>}
        </>
      ),
    }),
    col.display({ id: 'cells', header: 'Values', cell: (c) => <Cells cells={c.row.original.cells} secret={secret} applies={c.row.original.status === 'change'} />, meta: { wide: true } }),
  ]);
}

/** A row's cells: old → new, a secret only "changed" / "unchanged"; dimmed where the row is not applied (unmatched, invalid). */
function Cells({ cells, secret, applies }: { cells: PreviewRow['cells']; secret: Set<string>; applies: boolean }) {
  const shown = cells.filter((c) => c.status !== 'empty');
  if (!shown.length) return <span className="muted">—</span>;
  return (
    <ul className={`change-list${applies ? '' : ' not-applied'}`}>
      {shown.map((c) => (
        <li key={c.column}>
          <code>{c.column}</code>{' '}
          {c.status === 'invalid' ? (
            <span className="cell-invalid">{c.message ?? 'not valid'}</span>
          ) : secret.has(c.column.toLowerCase()) || (!('old' in c) && !('new' in c)) ? (
            <span className={c.status === 'changed' ? '' : 'muted'}>{c.status}</span>
          ) : c.status === 'changed' ? (
            <>
              <del>{showAttribute(c.old)}</del> → <ins>{showAttribute(c.new)}</ins>
            </>
          ) : (
            <span className="muted">{showAttribute(c.new ?? c.old)} (unchanged)</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function ResultCard({ result: r }: { result: Result }) {
  return (
    <section className="card import-result" aria-labelledby="import-result">
      <h2 id="import-result">Applied</h2>
      <p role="status" aria-label="Import result">
        {r.applied} contact{r.applied === 1 ? '' : 's'} changed, {r.unchanged} unchanged, {r.unmatched} unmatched, {r.invalid} invalid{r.failed.length ? `, ${r.failed.length} failed` : ''}.
      </p>
      {r.failed.length > 0 && (
        <ul className="state error">
          {r.failed.map((f) => (
            <li key={f.line}>
              Line {f.line} (<code>{f.key}</code>): {f.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
