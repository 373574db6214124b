/**
 * Routing clients (call centres that buy calls), admin and staff: the list, and a create/edit dialog
 * with the SIP connection (the password write-only: "set" / "not set", never shown, a new one replaces
 * it, "Remove the password" clears it), codecs and transport, the client's concurrency and volume caps,
 * and its hours in its time zone.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, ok } from '../../api/client';
import { useCallAndRefresh } from '../../api/queries';
import { useRoutingClients, type Hours, type RoutingClient } from '../../api/routing';
import { Combobox, type ComboOption } from '../../ui/combobox';
import { ConfirmButton } from '../../ui/confirm';
import { EditDialog, FormDialog } from '../../ui/dialog';
import { OtherErrors, SelectField, TextField } from '../../ui/forms';
import { ErrorMessage } from '../../ui/states';
import { actionsColumn, columnHelper, DataTable } from '../../ui/table';
import { CapsFields, capsText, capsValue } from './CapsFields';
import { dropHours, HoursEditor } from './HoursEditor';
import { capText, isError, parseCap, parseWhole } from './numbers';

export function ClientsPage() {
  const clients = useRoutingClients();
  const [open, setOpen] = useState(false);
  return (
    <section>
      <header className="page-head">
        <h1>Clients</h1>
        <FormDialog open={open} onOpenChange={setOpen} title="New client" trigger={<button type="button" className="primary">New client</button>}>
          <ClientForm client={null} onDone={() => setOpen(false)} />
        </FormDialog>
      </header>
      <p className="muted">Call centres that buy calls. Link them to campaigns on a campaign's page.</p>
      <DataTable label="Clients" cards="phone" columns={columns} rows={clients.data} query={clients} loading="Loading clients" empty="No clients yet. Add one with New client." />
    </section>
  );
}

const col = columnHelper<RoutingClient>();
const columns = col.columns([
  col.accessor('name', { header: 'Name', enableSorting: true, meta: { cardTitle: true } }),
  col.accessor((c) => `${c.sip.host}:${c.sip.port} (${c.sip.transport})`, { id: 'sip', header: 'SIP', cell: (c) => <code>{c.getValue()}</code> }),
  col.accessor((c) => (c.sip.hasPassword ? 'set' : 'not set'), { id: 'password', header: 'Password' }),
  col.accessor('timeZone', { header: 'Time zone', enableSorting: true }),
  col.accessor((c) => (c.enabled ? 'enabled' : 'disabled'), { id: 'enabled', header: 'State', cell: (c) => <span className={`badge ${c.getValue() === 'enabled' ? 'ok' : 'warn'}`}>{c.getValue()}</span> }),
  actionsColumn(col, (c) => <ClientActions client={c} />),
]);

function ClientActions({ client }: { client: RoutingClient }) {
  const call = useCallAndRefresh();
  return (
    <>
      <EditDialog what={client.name}>{(done) => <ClientForm client={client} onDone={done} />}</EditDialog>
      <ConfirmButton danger title="Delete client" message={<p>Delete the client {client.name}? A client still linked to a campaign is not deleted.</p>} confirmLabel="Delete" onConfirm={() => call(api.DELETE('/routing/clients/{id}', { params: { path: { id: client.id } } }), [['routing', 'clients']])}>
        Delete
      </ConfirmButton>
    </>
  );
}

/** Every IANA time zone the browser knows, `UTC` first. */
function zoneOptions(): ComboOption[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')].map((z) => ({ value: z, label: z, keywords: z.replace(/[/_]/g, ' ') }));
}

const SHOWN = /^(name|timeZone|enabled|concurrencyCap|sip\.|caps\.|hours)/;

/** Create (client null) or edit a client. */
function ClientForm({ client, onDone }: { client: RoutingClient | null; onDone: () => void }) {
  const queries = useQueryClient();
  const zones = useMemo(zoneOptions, []);
  const [name, setName] = useState(client?.name ?? '');
  const [timeZone, setTimeZone] = useState<string | null>(client?.timeZone ?? 'UTC');
  const [enabled, setEnabled] = useState(client?.enabled ?? true);
  const [host, setHost] = useState(client?.sip.host ?? '');
  const [port, setPort] = useState(String(client?.sip.port ?? 5060));
  const [transport, setTransport] = useState(client?.sip.transport ?? 'udp');
  const [username, setUsername] = useState(client?.sip.username ?? '');
  const [password, setPassword] = useState('');
  const [clearPassword, setClearPassword] = useState(false);
  const [codecs, setCodecs] = useState((client?.sip.codecs ?? ['ulaw', 'alaw']).join(', '));
  const [dialPrefix, setDialPrefix] = useState(client?.sip.dialPrefix ?? '');
  const [numberFormat, setNumberFormat] = useState(client?.sip.numberFormat ?? 'e164');
  const [concurrency, setConcurrency] = useState(capText(client?.concurrencyCap));
  const [caps, setCaps] = useState(capsText(client?.caps));
  const [hours, setHours] = useState<Hours | null>(client?.hours ?? null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Enter a name for the client.';
    if (!timeZone) local.timeZone = 'Choose a time zone from the list (UTC if unsure).';
    if (!host.trim()) local['sip.host'] = 'Enter the SIP host name or IP address.';
    const portValue = parseWhole(port, 1, 65535);
    if (isError(portValue)) local['sip.port'] = portValue.error;
    const cc = parseCap(concurrency, 1);
    if (isError(cc)) local.concurrencyCap = cc.error;
    const cv = capsValue(caps);
    if ('errors' in cv) Object.assign(local, cv.errors);
    setErrors(local);
    if (Object.keys(local).length || isError(portValue) || isError(cc) || 'errors' in cv) return;
    const sip = {
      host: host.trim(),
      port: portValue,
      transport,
      username: username.trim() || null,
      codecs: codecs.split(/[\s,]+/).filter(Boolean),
      dialPrefix,
      numberFormat,
      ...(password ? { password } : clearPassword ? { password: null } : {}),
    };
    const body = { name: name.trim(), timeZone: timeZone!, enabled, sip, concurrencyCap: cc, caps: cv.caps, hours };
    setBusy(true);
    try {
      if (client) await ok(api.PATCH('/routing/clients/{id}', { params: { path: { id: client.id } }, body }));
      else await ok(api.POST('/routing/clients', { body }));
      setPassword('');
      await queries.invalidateQueries({ queryKey: ['routing'] });
      onDone();
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form noValidate aria-label={client ? `Edit client ${client.name}` : 'New client'} onSubmit={(e) => void submit(e)}>
      <div className="form-grid">
        <TextField label="Name" value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
        <Combobox label="Time zone" options={zones} value={timeZone} onChange={setTimeZone} onTextChange={() => undefined} error={errors.timeZone} hint="Hours and cap periods are read in it." noMatch="No time zone of that name." placeholder="Type a city, such as New York" />
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
        </label>
      </div>
      <fieldset className="form-grid">
        <legend>SIP connection</legend>
        <TextField label="Host" value={host} error={errors['sip.host']} onChange={(e) => setHost(e.target.value)} placeholder="sip.example.com" />
        <TextField label="Port" inputMode="numeric" value={port} error={errors['sip.port']} onChange={(e) => setPort(e.target.value)} />
        <SelectField label="Transport" value={transport} error={errors['sip.transport']} onChange={(e) => setTransport(e.target.value as typeof transport)}>
          <option value="udp">UDP</option>
          <option value="tcp">TCP</option>
          <option value="tls">TLS</option>
        </SelectField>
        <TextField label="User name" value={username} error={errors['sip.username']} autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          value={password}
          error={errors['sip.password']}
          hint={client?.sip.hasPassword ? 'Set (never shown). Type a new one to replace it.' : 'Not set. Stored encrypted and never shown again.'}
          onChange={(e) => setPassword(e.target.value)}
        />
        {client?.sip.hasPassword && (
          <label className="check">
            <input type="checkbox" checked={clearPassword} disabled={!!password} onChange={(e) => setClearPassword(e.target.checked)} /> Remove the password
          </label>
        )}
        <TextField label="Codecs" value={codecs} error={Object.entries(errors).find(([k]) => k.startsWith('sip.codecs'))?.[1]} hint="In order of preference, such as ulaw, alaw, opus." onChange={(e) => setCodecs(e.target.value)} />
        <TextField label="Dial prefix" value={dialPrefix} error={errors['sip.dialPrefix']} onChange={(e) => setDialPrefix(e.target.value)} />
        <SelectField label="Number format" value={numberFormat} onChange={(e) => setNumberFormat(e.target.value as typeof numberFormat)}>
          <option value="e164">E.164 (+12125550100)</option>
          <option value="national">National</option>
          <option value="digits">Digits only</option>
        </SelectField>
      </fieldset>
      <div className="form-grid">
        <TextField label="Concurrent calls (all links)" inputMode="numeric" placeholder="no cap" value={concurrency} error={errors.concurrencyCap} onChange={(e) => setConcurrency(e.target.value)} />
      </div>
      <CapsFields value={caps} onChange={setCaps} errors={errors} legend="Client caps (across all its links)" />
      <HoursEditor value={hours} onChange={(h) => (setHours(h), setErrors(dropHours))} timeZone={timeZone ?? 'UTC'} errors={errors} label="Client hours" />
      <OtherErrors errors={errors} shown={(f) => SHOWN.test(f)} />
      <ErrorMessage error={failure} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : client ? 'Save client' : 'Create client'}
        </button>
        <button type="button" onClick={onDone} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
