/**
 * Campaigns: the list (a seller's own; admin and staff everyone's) with a create dialog, and a campaign's
 * page (`/routing/campaigns/:id`): its settings, its DIDs, and its links to clients edited in place with
 * their live counters (`LinksEditor`).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok } from '../../api/client';
import { useCallAndRefresh } from '../../api/queries';
import { STRATEGY_LABELS, useCampaign, useCampaigns, useDids, type RoutingCampaign } from '../../api/routing';
import { Link, useRouter } from '../../router';
import { ConfirmButton } from '../../ui/confirm';
import { EditDialog, FormDialog } from '../../ui/dialog';
import { OtherErrors, SelectField, TextField } from '../../ui/forms';
import { ErrorMessage, QueryState } from '../../ui/states';
import { actionsColumn, columnHelper, DataTable } from '../../ui/table';
import { LinksEditor } from './LinksEditor';
import { isError, parseWhole } from './numbers';

export function CampaignsPage() {
  const campaigns = useCampaigns();
  const [open, setOpen] = useState(false);
  const { navigate } = useRouter();
  return (
    <section>
      <header className="page-head">
        <h1>Campaigns</h1>
        <FormDialog open={open} onOpenChange={setOpen} title="New campaign" trigger={<button type="button" className="primary">New campaign</button>}>
          <CampaignForm campaign={null} onDone={(c) => (setOpen(false), c && navigate(`/routing/campaigns/${c.id}`))} />
        </FormDialog>
      </header>
      <DataTable label="Campaigns" cards="phone" columns={columns} rows={campaigns.data} query={campaigns} loading="Loading campaigns" empty="No campaigns yet. Create one with New campaign." />
    </section>
  );
}

const col = columnHelper<RoutingCampaign>();
const columns = col.columns([
  col.accessor('name', { header: 'Name', enableSorting: true, meta: { cardTitle: true }, cell: (c) => <Link to={`/routing/campaigns/${c.row.original.id}`}>{c.getValue()}</Link> }),
  col.accessor((c) => STRATEGY_LABELS[c.strategy], { id: 'strategy', header: 'Strategy', enableSorting: true }),
  col.accessor((c) => `${c.attempts} × ${c.ringTimeoutSeconds} s`, { id: 'attempts', header: 'Attempts × ring' }),
  col.accessor((c) => (c.enabled ? 'enabled' : 'disabled'), { id: 'enabled', header: 'State', cell: (c) => <span className={`badge ${c.getValue() === 'enabled' ? 'ok' : 'warn'}`}>{c.getValue()}</span> }),
  actionsColumn(col, (c) => <CampaignActions campaign={c} />),
]);

function CampaignActions({ campaign }: { campaign: RoutingCampaign }) {
  const call = useCallAndRefresh();
  return (
    <ConfirmButton danger title="Delete campaign" message={<p>Delete the campaign {campaign.name}? Its links go with it; its DIDs stay, in no campaign.</p>} confirmLabel="Delete" onConfirm={() => call(api.DELETE('/routing/campaigns/{id}', { params: { path: { id: campaign.id } } }), [['routing']])}>
      Delete
    </ConfirmButton>
  );
}

/** A campaign's page: settings (edit in a dialog), its DIDs, its links with live counters. */
export function CampaignDetailPage({ id }: { id: string }) {
  const campaign = useCampaign(id);
  const dids = useDids();
  return (
    <section>
      <p className="crumbs">
        <Link to="/routing/campaigns">Campaigns</Link>
      </p>
      <QueryState query={campaign} what="Loading the campaign">
        {(c) => (
          <>
            <header className="page-head">
              <h1>{c.name}</h1>
              <EditDialog what={c.name}>{(done) => <CampaignForm campaign={c} onDone={done} />}</EditDialog>
            </header>
            <dl className="facts">
              <dt>Strategy</dt>
              <dd>{STRATEGY_LABELS[c.strategy]}</dd>
              <dt>Attempts</dt>
              <dd>
                {c.attempts} targets, {c.ringTimeoutSeconds} s each
              </dd>
              <dt>Repeat callers</dt>
              <dd>{c.duplicateWindowHours ? `within ${c.duplicateWindowHours} h: ${c.duplicateAction === 'reject' ? 'rejected' : 'the same client'}` : 'not checked'}</dd>
              <dt>Anonymous callers</dt>
              <dd>{c.blockAnonymous ? 'blocked' : 'routed'}</dd>
              <dt>State</dt>
              <dd>{c.enabled ? 'enabled' : 'disabled'}</dd>
              <dt>DIDs</dt>
              <dd>{(dids.data ?? []).filter((d) => d.campaignId === c.id).map((d) => d.number).join(', ') || <Link to="/routing/dids">none yet — add one</Link>}</dd>
            </dl>
            <LinksEditor campaign={c} />
          </>
        )}
      </QueryState>
    </section>
  );
}

/** Create (campaign null) or edit a campaign's settings. */
function CampaignForm({ campaign, onDone }: { campaign: RoutingCampaign | null; onDone: (c?: RoutingCampaign) => void }) {
  const queries = useQueryClient();
  const [name, setName] = useState(campaign?.name ?? '');
  const [strategy, setStrategy] = useState(campaign?.strategy ?? 'priority');
  const [ring, setRing] = useState(String(campaign?.ringTimeoutSeconds ?? 30));
  const [attempts, setAttempts] = useState(String(campaign?.attempts ?? 3));
  const [window, setWindow] = useState(String(campaign?.duplicateWindowHours ?? 0));
  const [duplicateAction, setDuplicateAction] = useState(campaign?.duplicateAction ?? 'same_client');
  const [blockAnonymous, setBlockAnonymous] = useState(campaign?.blockAnonymous ?? false);
  const [enabled, setEnabled] = useState(campaign?.enabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const r = parseWhole(ring, 5, 300);
    const a = parseWhole(attempts, 1, 20);
    const w = parseWhole(window, 0, 8760);
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Enter a name for the campaign.';
    if (isError(r)) local.ringTimeoutSeconds = r.error;
    if (isError(a)) local.attempts = a.error;
    if (isError(w)) local.duplicateWindowHours = w.error;
    setErrors(local);
    if (Object.keys(local).length || isError(r) || isError(a) || isError(w)) return;
    const body = { name: name.trim(), strategy, ringTimeoutSeconds: r, attempts: a, duplicateWindowHours: w, duplicateAction, blockAnonymous, enabled };
    setBusy(true);
    try {
      const saved = campaign ? await ok(api.PATCH('/routing/campaigns/{id}', { params: { path: { id: campaign.id } }, body })) : await ok(api.POST('/routing/campaigns', { body }));
      await queries.invalidateQueries({ queryKey: ['routing'] });
      onDone(saved);
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form noValidate aria-label={campaign ? `Edit campaign ${campaign.name}` : 'New campaign'} onSubmit={(e) => void submit(e)}>
      <div className="form-grid">
        <TextField label="Name" value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
        <SelectField label="Strategy" value={strategy} error={errors.strategy} hint="How links of one priority are ordered." onChange={(e) => setStrategy(e.target.value as typeof strategy)}>
          <option value="priority">Priority (heavier weight first)</option>
          <option value="round_robin">Round robin</option>
          <option value="weighted">Weighted (random by weight)</option>
        </SelectField>
        <TextField label="Ring timeout (seconds)" inputMode="numeric" value={ring} error={errors.ringTimeoutSeconds} onChange={(e) => setRing(e.target.value)} />
        <TextField label="Attempts per call" inputMode="numeric" value={attempts} error={errors.attempts} onChange={(e) => setAttempts(e.target.value)} />
        <TextField label="Repeat-caller window (hours)" inputMode="numeric" value={window} error={errors.duplicateWindowHours} hint="0: off." onChange={(e) => setWindow(e.target.value)} />
        <SelectField label="A repeat caller" value={duplicateAction} onChange={(e) => setDuplicateAction(e.target.value as typeof duplicateAction)}>
          <option value="same_client">goes to the same client</option>
          <option value="reject">is rejected</option>
        </SelectField>
        <label className="check">
          <input type="checkbox" checked={blockAnonymous} onChange={(e) => setBlockAnonymous(e.target.checked)} /> Block anonymous callers
        </label>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
      </div>
      <OtherErrors errors={errors} shown={(f) => ['name', 'strategy', 'ringTimeoutSeconds', 'attempts', 'duplicateWindowHours'].includes(f)} />
      <ErrorMessage error={failure} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : campaign ? 'Save campaign' : 'Create campaign'}
        </button>
        <button type="button" onClick={() => onDone()} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
