/**
 * Import a phone's call history into a site's call log: a button opening a dialog to choose the file
 * (`.vcf` as the phone exports it over Bluetooth PBAP, or a `.csv` of calls) and the time zone the
 * phone writes its times in, upload it (`POST /calls/imports`, multipart) and show what came of it:
 * new calls, calls already known, and the entries that failed with their line.
 *
 * `<CallHistoryImport siteId={site.id} />`
 */
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, ok, type Schemas } from '../api/client';
import { FormDialog } from '../ui/dialog';
import { TextField } from '../ui/forms';
import { ErrorMessage } from '../ui/states';

type Result = Schemas['CallImportResult'];

const browserTimeZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

export function CallHistoryImport({ siteId }: { siteId: string }) {
  const [open, setOpen] = useState(false);
  const trigger = (
    <button type="button" aria-haspopup="dialog">
      Import call history
    </button>
  );
  return (
    <FormDialog
      open={open}
      onOpenChange={setOpen}
      trigger={trigger}
      title="Import a phone's call history"
      description="A .vcf file as the phone exports it over Bluetooth (PBAP), or a .csv with date, number and type columns. Importing the same or an overlapping file again adds nothing twice."
    >
      <ImportForm siteId={siteId} onDone={() => setOpen(false)} />
    </FormDialog>
  );
}

function ImportForm({ siteId, onDone }: { siteId: string; onDone: () => void }) {
  const queries = useQueryClient();
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [timeZone, setTimeZone] = useState(browserTimeZone);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fileError, setFileError] = useState<string | undefined>();
  const [zoneError, setZoneError] = useState<string | undefined>();
  const [result, setResult] = useState<Result | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    setZoneError(undefined);
    if (!file) return setFileError('Choose the .vcf or .csv file first.');
    setFileError(undefined);
    const form = new FormData();
    form.append('file', file, file.name);
    setBusy(true);
    try {
      const r = await ok(
        api.POST('/calls/imports', {
          params: { query: { siteId, ...(timeZone.trim() ? { timeZone: timeZone.trim() } : {}) } },
          // Sent as it is: the browser sets the multipart Content-Type with its boundary.
          body: form as unknown as { file: string },
        }),
      );
      setResult(r);
      await queries.invalidateQueries({ queryKey: ['calls'] });
    } catch (err) {
      // A bad time zone shows at its field, a file that is not a call history (422, naming the entry and line) at the file.
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      if (fields['query.timeZone']) setZoneError(fields['query.timeZone']);
      else if (fields.file && err instanceof ApiError && err.status === 422) setFileError(fields.file);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-label="Call history import">
      <div className={`field${fileError ? ' invalid' : ''}`}>
        <label htmlFor={fileId}>File</label>
        <input
          id={fileId}
          type="file"
          accept=".vcf,.csv,text/vcard,text/x-vcard,text/csv"
          aria-invalid={fileError ? true : undefined}
          aria-describedby={fileError ? `${fileId}-error` : undefined}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setFileError(undefined);
            setResult(null);
            setError(null);
          }}
        />
        {fileError && (
          <small id={`${fileId}-error`} className="field-error" role="alert">
            {fileError}
          </small>
        )}
      </div>
      <TextField
        label="Time zone of the phone"
        value={timeZone}
        error={zoneError}
        hint="Times in the file without an offset are read in this zone, e.g. Europe/Berlin."
        onChange={(e) => setTimeZone(e.target.value)}
        spellCheck={false}
        autoComplete="off"
      />
      <ErrorMessage error={error} />
      {result && <ImportResult result={result} />}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        <button type="button" onClick={onDone}>
          {result ? 'Close' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}

function ImportResult({ result }: { result: Result }) {
  const { created, duplicates, failed, total } = result;
  return (
    <div className="import-result">
      <p role="status" aria-label="Import result">
        {total} entr{total === 1 ? 'y' : 'ies'}: <strong>{created} new call{created === 1 ? '' : 's'}</strong>, {duplicates} already known, {failed.length} failed.
      </p>
      {failed.length > 0 && (
        <table className="small">
          <caption className="muted">Entries not imported</caption>
          <thead>
            <tr>
              <th scope="col">Entry</th>
              <th scope="col">Line</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {failed.slice(0, 200).map((f) => (
              <tr key={f.entry}>
                <td>{f.entry}</td>
                <td>{f.line}</td>
                <td>{f.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {failed.length > 200 && <p className="muted small">And {failed.length - 200} more.</p>}
    </div>
  );
}
