/**
 * A campaign's links to clients, edited in place (admin and staff; a seller reads them): per link its
 * priority, weight, concurrency cap, volume caps and what they count, hours (in the client's time zone),
 * the minimum talk seconds of a conversion and enabled, saved with the link's own Save; and its live
 * counters — active now, this hour, today, this month and in total against the caps — refreshed every
 * few seconds. Staff add a link by choosing a client.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok } from '../../api/client';
import { useCallAndRefresh } from '../../api/queries';
import { COUNTERS_EVERY_MS, useCounters, useLinks, useRoutingClients, type Hours, type LinkCounters, type RoutingCampaign, type RoutingLink } from '../../api/routing';
import { useAuth } from '../../auth';
import { ConfirmButton } from '../../ui/confirm';
import { OtherErrors, SelectField, TextField } from '../../ui/forms';
import { Empty, ErrorMessage, QueryState } from '../../ui/states';
import { CapsFields, capsText, capsValue } from './CapsFields';
import { dropHours, HoursEditor } from './HoursEditor';
import { capText, isError, parseCap, parseWhole } from './numbers';

export function LinksEditor({ campaign }: { campaign: RoutingCampaign }) {
  const { isAtLeast } = useAuth();
  const staff = isAtLeast('staff');
  const links = useLinks(campaign.id);
  const counters = useCounters(campaign.id);
  const clients = useRoutingClients(staff);
  const byLink = new Map((counters.data?.items ?? []).map((c) => [c.linkId, c]));
  return (
    <section aria-labelledby="links-title">
      <h2 id="links-title">Clients of this campaign</h2>
      <p className="muted small">
        Counters refresh every {COUNTERS_EVERY_MS / 1000} s{counters.data ? ` (as of ${new Date(counters.data.at).toLocaleTimeString()})` : ''}.{staff ? '' : ' Staff assign clients and set the rules.'}
      </p>
      <ErrorMessage error={counters.error} />
      <QueryState query={links} what="Loading the links">
        {(items) => (
          <>
            {!items.length && <Empty>No client is linked yet{staff ? ': add one below.' : '.'}</Empty>}
            {items.map((l) => (
              <LinkCard key={l.id} link={l} counters={byLink.get(l.id)} staff={staff} timeZone={clients.data?.find((c) => c.id === l.clientId)?.timeZone} />
            ))}
            {staff && <AddLink campaign={campaign} linked={new Set(items.map((l) => l.clientId))} clients={clients.data ?? []} />}
          </>
        )}
      </QueryState>
    </section>
  );
}

const of = (n: number, cap: number | null) => (cap === null ? `${n}` : `${n} / ${cap}`);

/** The live numbers of one link. */
function CounterLine({ c }: { c: LinkCounters | undefined }) {
  if (!c) return <p className="muted small">No counters yet.</p>;
  return (
    <dl className="counters" aria-label={`Live counters of ${c.clientName}`}>
      <div><dt>Active now</dt><dd>{of(c.active, c.concurrencyCap)}</dd></div>
      <div><dt>This hour</dt><dd>{of(c.periods.hour.count, c.periods.hour.cap)}</dd></div>
      <div><dt>Today</dt><dd>{of(c.periods.day.count, c.periods.day.cap)}</dd></div>
      <div><dt>This month</dt><dd>{of(c.periods.month.count, c.periods.month.cap)}</dd></div>
      <div><dt>Total</dt><dd>{of(c.periods.total.count, c.periods.total.cap)}</dd></div>
      <div><dt>Counting</dt><dd>{c.countBy}</dd></div>
    </dl>
  );
}

function LinkCard({ link, counters, staff, timeZone }: { link: RoutingLink; counters: LinkCounters | undefined; staff: boolean; timeZone: string | undefined }) {
  const queries = useQueryClient();
  const call = useCallAndRefresh();
  const [priority, setPriority] = useState(String(link.priority));
  const [weight, setWeight] = useState(String(link.weight));
  const [concurrency, setConcurrency] = useState(capText(link.concurrencyCap));
  const [caps, setCaps] = useState(capsText(link.caps));
  const [hours, setHours] = useState<Hours | null>(link.hours);
  const [minTalk, setMinTalk] = useState(String(link.minTalkSeconds));
  const [enabled, setEnabled] = useState(link.enabled);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setSaved(false);
    const p = parseWhole(priority, -1000, 1000);
    const w = parseWhole(weight, 0, 10000);
    const cc = parseCap(concurrency, 0);
    const m = parseWhole(minTalk, 0, 86400);
    const cv = capsValue(caps);
    const local: Record<string, string> = {};
    if (isError(p)) local.priority = p.error;
    if (isError(w)) local.weight = w.error;
    if (isError(cc)) local.concurrencyCap = cc.error;
    if (isError(m)) local.minTalkSeconds = m.error;
    if ('errors' in cv) Object.assign(local, cv.errors);
    setErrors(local);
    if (Object.keys(local).length || isError(p) || isError(w) || isError(cc) || isError(m) || 'errors' in cv) return;
    try {
      await ok(api.PATCH('/routing/links/{id}', { params: { path: { id: link.id } }, body: { priority: p, weight: w, concurrencyCap: cc, caps: cv.caps, hours, minTalkSeconds: m, enabled } }));
      setSaved(true);
      await queries.invalidateQueries({ queryKey: ['routing', 'links', link.campaignId] });
      await queries.invalidateQueries({ queryKey: ['routing', 'counters', link.campaignId] });
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    }
  };
  const zone = timeZone ?? 'the client\'s zone';
  const hoursSummary = hours === null ? 'always open' : `${hours.weekly.length} weekly block${hours.weekly.length === 1 ? '' : 's'}, ${hours.exceptions.length} exception date${hours.exceptions.length === 1 ? '' : 's'}`;
  return (
    <article className="card link-card" aria-label={`Link to ${link.clientName}`}>
      <header className="between">
        <h3>{link.clientName}</h3>
        <span className={`badge ${link.enabled ? 'ok' : 'warn'}`}>{link.enabled ? 'enabled' : 'disabled'}</span>
      </header>
      <CounterLine c={counters} />
      <form noValidate aria-label={`Rules of the link to ${link.clientName}`} onSubmit={(e) => void submit(e)}>
        <fieldset disabled={!staff} className="plain">
          <div className="form-grid">
            <TextField label="Priority" inputMode="numeric" hint="Lower first." value={priority} error={errors.priority} onChange={(e) => setPriority(e.target.value)} />
            <TextField label="Weight" inputMode="numeric" value={weight} error={errors.weight} onChange={(e) => setWeight(e.target.value)} />
            <TextField label="Concurrent calls" inputMode="numeric" placeholder="no cap" value={concurrency} error={errors.concurrencyCap} onChange={(e) => setConcurrency(e.target.value)} />
            <TextField label="Converted from (talk seconds)" inputMode="numeric" value={minTalk} error={errors.minTalkSeconds} onChange={(e) => setMinTalk(e.target.value)} />
            <label className="check">
              <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
            </label>
          </div>
          <CapsFields value={caps} onChange={setCaps} errors={errors} />
          <details className="link-hours" open={Object.keys(errors).some((k) => k.startsWith('hours'))}>
            <summary>Hours: {hoursSummary}</summary>
            <HoursEditor value={hours} onChange={(h) => (setHours(h), setErrors(dropHours))} timeZone={zone} errors={errors} label="Link hours" />
          </details>
        </fieldset>
        <OtherErrors errors={errors} shown={(f) => /^(priority|weight|concurrencyCap|minTalkSeconds|caps\.|hours)/.test(f)} />
        <ErrorMessage error={failure} />
        {saved && <p role="status">Saved.</p>}
        {staff && (
          <div className="form-actions">
            <button type="submit" className="primary">Save link</button>
            <ConfirmButton danger title="Remove link" message={<p>Remove {link.clientName} from this campaign?</p>} confirmLabel="Remove" onConfirm={() => call(api.DELETE('/routing/links/{id}', { params: { path: { id: link.id } } }), [['routing', 'links', link.campaignId], ['routing', 'counters', link.campaignId]])}>
              Remove link
            </ConfirmButton>
          </div>
        )}
      </form>
    </article>
  );
}

function AddLink({ campaign, linked, clients }: { campaign: RoutingCampaign; linked: Set<string>; clients: { id: string; name: string }[] }) {
  const queries = useQueryClient();
  const [clientId, setClientId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const free = clients.filter((c) => !linked.has(c.id));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    if (!clientId) return setErrors({ clientId: 'Choose a client.' });
    try {
      await ok(api.POST('/routing/links', { body: { campaignId: campaign.id, clientId, priority: 1, weight: 1, concurrencyCap: null, minTalkSeconds: 60, enabled: true } }));
      setErrors({});
      setClientId('');
      await queries.invalidateQueries({ queryKey: ['routing', 'links', campaign.id] });
      await queries.invalidateQueries({ queryKey: ['routing', 'counters', campaign.id] });
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    }
  };
  return (
    <form className="inline-form card" noValidate aria-label="Link a client" onSubmit={(e) => void submit(e)}>
      <SelectField label="Client" value={clientId} error={errors.clientId} hint={free.length ? undefined : 'Every client is linked already (or none exists yet: add one under Clients).'} onChange={(e) => setClientId(e.target.value)}>
        <option value="">Choose a client…</option>
        {free.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <ErrorMessage error={failure} />
      <div className="form-actions">
        <button type="submit">Link client</button>
      </div>
    </form>
  );
}
