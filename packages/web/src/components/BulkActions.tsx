/**
 * Bulk actions on the contacts list: the plugins' `scope: contacts` actions (from `GET /plugins`),
 * run over the list's current filter or over a phonebook (`POST /actions/{id}/bulk`). While the run
 * goes on, its job's progress is polled from `GET /jobs`; then the report shows a line per contact.
 * Staff and administrators only.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { usePlugins } from '../api/queries';
import { useAuth } from '../auth';
import { Link } from '../router';
import { FormDialog } from '../ui/dialog';
import { SelectField } from '../ui/forms';
import { ErrorMessage } from '../ui/states';

type BulkAction = Schemas['PluginInfo']['actions'][number];
type Report = Schemas['BulkReport'];
/** The list's filters, as `GET /contacts` takes them. */
export type ContactListFilter = { q?: string | undefined; department?: string | undefined; tag?: string | undefined; source?: string | undefined; hasAttribute?: string | undefined; siteId?: string | undefined };

export function BulkActions({ filter, matching }: { filter: ContactListFilter; matching: number | undefined }) {
  const { isAtLeast } = useAuth();
  return isAtLeast('staff') ? <BulkMenu filter={filter} matching={matching} /> : null;
}

function BulkMenu({ filter, matching }: { filter: ContactListFilter; matching: number | undefined }) {
  const plugins = usePlugins({ registered: true });
  const [open, setOpen] = useState(false);
  const actions = plugins.data?.flatMap((p) => p.actions.filter((a) => a.scope === 'contacts')) ?? [];
  if (!actions.length) return null;
  return (
    <FormDialog
      open={open}
      onOpenChange={setOpen}
      trigger={<button type="button">Bulk actions…</button>}
      title="Run a bulk action"
      description="The action runs once for each contact; contacts it does not apply to are skipped, and the report says why."
    >
      <BulkForm actions={actions} filter={filter} matching={matching} />
    </FormDialog>
  );
}

function BulkForm({ actions, filter, matching }: { actions: BulkAction[]; filter: ContactListFilter; matching: number | undefined }) {
  const queries = useQueryClient();
  const [actionId, setActionId] = useState(actions[0]!.id);
  const [target, setTarget] = useState<'filter' | 'phonebook'>('filter');
  const [phonebookId, setPhonebookId] = useState('');
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const books = useQuery({ queryKey: ['phonebooks'], queryFn: () => ok(api.GET('/phonebooks')).then((r) => r.items), enabled: target === 'phonebook' });
  const action = actions.find((a) => a.id === actionId) ?? actions[0]!;
  const given = Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as ContactListFilter;
  const filterText = Object.entries(given).map(([k, v]) => `${k}: ${v}`).join(', ') || 'no filter: every contact you can see';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRunning(true);
    setReport(null);
    setError(null);
    try {
      const body = target === 'phonebook' ? { phonebookId } : { filter: given };
      setReport(await ok(api.POST('/actions/{actionId}/bulk', { params: { path: { actionId: action.id } }, body })));
      void queries.invalidateQueries({ queryKey: ['contacts'] });
      void queries.invalidateQueries({ queryKey: ['contact'] });
    } catch (err) {
      setError(err);
    } finally {
      setRunning(false);
      void queries.invalidateQueries({ queryKey: ['jobs'] });
    }
  };

  return (
    <form noValidate onSubmit={(e) => void submit(e)}>
      <SelectField label="Action" value={action.id} onChange={(e) => setActionId(e.target.value)} hint={action.description ?? undefined} disabled={running}>
        {actions.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
          </option>
        ))}
      </SelectField>
      <fieldset className="bulk-target" disabled={running}>
        <legend>Run it for</legend>
        <label className="inline-label">
          <input type="radio" name="bulk-target" checked={target === 'filter'} onChange={() => setTarget('filter')} /> the contacts of the current list{matching !== undefined ? ` (${matching})` : ''} <span className="muted small">— {filterText}</span>
        </label>
        <label className="inline-label">
          <input type="radio" name="bulk-target" checked={target === 'phonebook'} onChange={() => setTarget('phonebook')} /> the members of a phonebook
        </label>
      </fieldset>
      {target === 'phonebook' && (
        <SelectField label="Phonebook" value={phonebookId} onChange={(e) => setPhonebookId(e.target.value)} disabled={running}>
          <option value="">Choose a phonebook</option>
          {books.data?.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </SelectField>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={running || (target === 'phonebook' && !phonebookId)}>
          {running ? 'Running…' : `Run “${action.label}”`}
        </button>
      </div>
      {running && <Progress actionId={action.id} />}
      <ErrorMessage error={error} />
      {report && <BulkReport report={report} />}
    </form>
  );
}

/** The run's job, polled every second while the request is under way. */
function Progress({ actionId }: { actionId: string }) {
  const jobs = useQuery({ queryKey: ['jobs'], queryFn: () => ok(api.GET('/jobs')), refetchInterval: 1000 });
  const job = jobs.data?.running.find((j) => j.id === `${actionId}:bulk`);
  return (
    <div role="status" aria-label="Bulk action progress" className="bulk-progress">
      {job?.total ? (
        <>
          <progress value={job.done} max={job.total} />
          <span className="small">
            {job.done} of {job.total} contacts{job.message ? ` · ${job.message}` : ''}
          </span>
        </>
      ) : (
        <span className="small">Reading the contacts…</span>
      )}
    </div>
  );
}

function BulkReport({ report }: { report: Report }) {
  const [onlyProblems, setOnlyProblems] = useState(false);
  const items = onlyProblems ? report.items.filter((i) => !i.ok) : report.items;
  return (
    <section aria-label="Bulk action report" className="bulk-report">
      <p role="status">
        <strong>{report.succeeded} done</strong>, {report.failed} failed, {report.skipped} skipped, of {report.total} contact(s).
      </p>
      {report.total > 0 && (
        <label className="inline-label small">
          <input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} /> only failed and skipped
        </label>
      )}
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              <th>Contact</th>
              <th>Result</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.contactId}>
                <td>
                  <Link to={`/contacts/${i.contactId}`}>{i.name}</Link>
                </td>
                <td>
                  <span className={`badge ${i.ok ? 'ok' : i.skipped ? 'warn' : 'bad'}`}>{i.ok ? 'done' : i.skipped ? 'skipped' : 'failed'}</span>
                </td>
                <td className="small">{i.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
