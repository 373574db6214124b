/**
 * DIDs: a seller's phone numbers (admin and staff see everyone's). The list with each number's campaign
 * (changed in place), add one, bulk add from a pasted list with every line's result — the DID added or
 * its error at its line — and delete. A DID put into a campaign belongs to the campaign's seller.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, ok, sentence } from '../../api/client';
import { useCallAndRefresh } from '../../api/queries';
import { useCampaigns, useDids, type RoutingCampaign, type RoutingDid } from '../../api/routing';
import { useAuth } from '../../auth';
import { ConfirmButton } from '../../ui/confirm';
import { SelectField, TextArea, TextField } from '../../ui/forms';
import { ErrorMessage } from '../../ui/states';
import { actionsColumn, columnHelper, DataTable } from '../../ui/table';

type BulkResult = Awaited<ReturnType<typeof bulkAdd>>;
const bulkAdd = (body: { text: string; campaignId: string | null; ownerId?: string }) => ok(api.POST('/routing/dids/bulk', { body }));

export function DidsPage() {
  const dids = useDids();
  const campaigns = useCampaigns();
  const columns = useDidColumns(campaigns.data ?? []);
  return (
    <section>
      <header className="page-head">
        <h1>DIDs</h1>
      </header>
      <div className="two-col">
        <div className="card">
          <h2>Add a DID</h2>
          <AddDid campaigns={campaigns.data ?? []} />
        </div>
        <div className="card">
          <h2>Add from a list</h2>
          <BulkDids campaigns={campaigns.data ?? []} />
        </div>
      </div>
      <DataTable label="DIDs" cards="phone" columns={columns} rows={dids.data} query={dids} loading="Loading DIDs" empty="No DIDs yet. Add one above." />
    </section>
  );
}

/** The owner to send: a campaign's seller when admin or staff put the DID into one. */
const ownerOf = (staff: boolean, campaigns: RoutingCampaign[], campaignId: string) => (staff && campaignId ? { ownerId: campaigns.find((c) => c.id === campaignId)?.ownerId } : {});

function CampaignSelect({ campaigns, value, onChange, error, label = 'Campaign' }: { campaigns: RoutingCampaign[]; value: string; onChange: (id: string) => void; error?: string | undefined; label?: string }) {
  return (
    <SelectField label={label} value={value} error={error} onChange={(e) => onChange(e.target.value)}>
      <option value="">No campaign</option>
      {campaigns.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </SelectField>
  );
}

function AddDid({ campaigns }: { campaigns: RoutingCampaign[] }) {
  const queries = useQueryClient();
  const { isAtLeast } = useAuth();
  const [number, setNumber] = useState('');
  const [label, setLabel] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setDone(null);
    if (!number.trim()) return setErrors({ number: 'Enter a phone number, such as +1 212 555 0100.' });
    try {
      const did = await ok(api.POST('/routing/dids', { body: { number: number.trim(), label: label.trim() || null, campaignId: campaignId || null, ...ownerOf(isAtLeast('staff'), campaigns, campaignId) } }));
      setErrors({});
      setNumber('');
      setLabel('');
      setDone(`Added ${did.number}.`);
      await queries.invalidateQueries({ queryKey: ['routing', 'dids'] });
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    }
  };
  return (
    <form noValidate aria-label="Add a DID" onSubmit={(e) => void submit(e)}>
      <TextField label="Number" value={number} error={errors.number} hint="International (+1 …) or national in the default country." onChange={(e) => setNumber(e.target.value)} />
      <TextField label="Label" value={label} error={errors.label} onChange={(e) => setLabel(e.target.value)} />
      <CampaignSelect campaigns={campaigns} value={campaignId} onChange={setCampaignId} error={errors.campaignId} />
      <ErrorMessage error={failure} />
      {done && <p role="status">{done}</p>}
      <div className="form-actions">
        <button type="submit" className="primary">Add DID</button>
      </div>
    </form>
  );
}

function BulkDids({ campaigns }: { campaigns: RoutingCampaign[] }) {
  const queries = useQueryClient();
  const { isAtLeast } = useAuth();
  const [text, setText] = useState('');
  const [campaignId, setCampaignId] = useState('');
  const [result, setResult] = useState<BulkResult | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setResult(null);
    if (!text.trim()) return setErrors({ text: 'Paste the numbers, one a line.' });
    setBusy(true);
    try {
      setResult(await bulkAdd({ text, campaignId: campaignId || null, ...ownerOf(isAtLeast('staff'), campaigns, campaignId) }));
      setErrors({});
      await queries.invalidateQueries({ queryKey: ['routing', 'dids'] });
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  const failed = result?.lines.filter((l) => l.error) ?? [];
  return (
    <form noValidate aria-label="Add DIDs from a list" onSubmit={(e) => void submit(e)}>
      <TextArea label="Numbers" rows={5} value={text} error={errors.text} hint="One a line (commas and semicolons also separate)." onChange={(e) => setText(e.target.value)} />
      <CampaignSelect campaigns={campaigns} value={campaignId} onChange={setCampaignId} error={errors.campaignId} />
      <ErrorMessage error={failure} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add DIDs'}
        </button>
      </div>
      {result && (
        <div role="status" aria-label="Bulk result">
          <p>
            Added {result.created} of {result.lines.length}.{failed.length ? ` ${failed.length} not added:` : ''}
          </p>
          <ol className="bulk-lines plain">
            {result.lines.map((l, i) => (
              <li key={i} className={l.error ? 'bad' : 'ok'} data-line={l.line}>
                <strong>Line {l.line}</strong> <code>{l.input}</code>: {l.error ? sentence(l.error.message) : `added as ${l.did?.number}`}
              </li>
            ))}
          </ol>
        </div>
      )}
    </form>
  );
}

const col = columnHelper<RoutingDid>();
function useDidColumns(campaigns: RoutingCampaign[]) {
  return useMemo(() => col.columns([
    col.accessor('number', { header: 'Number', enableSorting: true, meta: { cardTitle: true }, cell: (c) => <code>{c.getValue()}</code> }),
    col.accessor((d) => d.label ?? '', { id: 'label', header: 'Label', enableSorting: true, meta: { hideEmpty: true } }),
    col.accessor((d) => campaigns.find((c) => c.id === d.campaignId)?.name ?? '', { id: 'campaign', header: 'Campaign', enableSorting: true, cell: (c) => <DidCampaign did={c.row.original} campaigns={campaigns} /> }),
    actionsColumn(col, (d) => <DidActions did={d} />),
  ]), [campaigns]);
}

/** The DID's campaign, changed in place (only its seller's campaigns). */
function DidCampaign({ did, campaigns }: { did: RoutingDid; campaigns: RoutingCampaign[] }) {
  const queries = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const own = campaigns.filter((c) => c.ownerId === did.ownerId);
  return (
    <>
      <select
        aria-label={`Campaign of ${did.number}`}
        value={did.campaignId ?? ''}
        onChange={(e) => {
          setError(null);
          ok(api.PATCH('/routing/dids/{id}', { params: { path: { id: did.id } }, body: { campaignId: e.target.value || null } }))
            .then(() => queries.invalidateQueries({ queryKey: ['routing', 'dids'] }))
            .catch(setError);
        }}
      >
        <option value="">No campaign</option>
        {own.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <ErrorMessage error={error} />
    </>
  );
}

function DidActions({ did }: { did: RoutingDid }) {
  const call = useCallAndRefresh();
  return (
    <ConfirmButton danger title="Delete DID" message={<p>Delete the DID {did.number}? Its calls are no longer routed.</p>} confirmLabel="Delete" onConfirm={() => call(api.DELETE('/routing/dids/{id}', { params: { path: { id: did.id } } }), [['routing', 'dids']])}>
      Delete
    </ConfirmButton>
  );
}
