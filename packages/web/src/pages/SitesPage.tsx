/** Sites (tenants): list, create, edit (name, slug, country, time zone) and delete. */
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, ok, type Site } from '../api/client';
import { useCallAndRefresh, useSites } from '../api/queries';
import { useAuth } from '../auth';
import { Link } from '../router';
import { Combobox, type ComboOption } from '../ui/combobox';
import { ConfirmButton } from '../ui/confirm';
import { countryName, CountryField, countryProblem } from '../ui/country';
import { EditDialog } from '../ui/dialog';
import { TextField } from '../ui/forms';
import { ErrorMessage, formatDate } from '../ui/states';
import { actionsColumn, columnHelper, DataTable } from '../ui/table';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Every IANA time zone the browser knows (`UTC` first), searchable by name, city or region. */
function timeZoneOptions(): ComboOption[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const all = ['UTC', ...zones.filter((z) => z !== 'UTC')];
  return all.map((z) => ({ value: z, label: z, keywords: z.replace(/[/_]/g, ' ') }));
}

/** The time-zone picker: the site's calls are counted per local day, week and hour in it. */
function TimeZoneField({ value, onChange, onTextChange, error }: { value: string | null; onChange: (z: string | null) => void; onTextChange: (text: string) => void; error?: string | undefined }) {
  const options = useMemo(timeZoneOptions, []);
  return (
    <Combobox
      label="Time zone"
      options={options}
      value={value}
      onChange={onChange}
      onTextChange={onTextChange}
      placeholder="Type a city or region, such as Berlin"
      error={error}
      hint="Call statistics and exports count days and hours in it."
      noMatch="No time zone of that name."
    />
  );
}

export function SitesPage() {
  const sites = useSites();
  const { isAtLeast } = useAuth();
  const staff = isAtLeast('staff');
  return (
    <section>
      <header className="page-head">
        <h1>Sites</h1>
      </header>
      {staff && (
        <div className="card">
          <h2>New site</h2>
          <SiteForm site={null} />
        </div>
      )}
      <DataTable label="Sites" cards="phone" columns={staff ? staffColumns : siteColumns} rows={sites.data} query={sites} loading="Loading sites" empty={`No sites yet.${staff ? ' Create one above.' : ''}`} />
    </section>
  );
}

const col = columnHelper<Site>();
const siteColumns = col.columns([
  col.accessor('name', {
    header: 'Name',
    enableSorting: true,
    cell: (c) => (
      <Link to={`/contacts?siteId=${c.row.original.id}`} title={`Contacts of ${c.getValue()}`}>
        {c.getValue()}
      </Link>
    ),
  }),
  col.accessor('slug', { header: 'Slug', enableSorting: true, cell: (c) => <code>{c.getValue()}</code> }),
  col.accessor((s) => countryName(s.defaultCountry), { id: 'country', header: 'Country', enableSorting: true }),
  col.accessor('timeZone', { header: 'Time zone', enableSorting: true, meta: { className: 'hide-narrow' } }),
  col.accessor('createdAt', { header: 'Created', enableSorting: true, cell: (c) => formatDate(c.getValue()), meta: { className: 'hide-narrow' } }),
]);
/** Staff also edit and delete. */
const staffColumns = [...siteColumns, actionsColumn(col, (s) => <SiteActions site={s} />)];

function SiteActions({ site: s }: { site: Site }) {
  const call = useCallAndRefresh();
  return (
    <>
      <EditDialog what={s.name} description="The slug appears in URLs and plugin configuration; the country reads the site's national phone numbers; the time zone is the one its call statistics count in.">
        {(done) => <SiteForm site={s} onDone={done} />}
      </EditDialog>
      <ConfirmButton
        danger
        title="Delete site"
        message={<p>Delete the site {s.name}? Only an empty site (no contacts, no phonebooks) can be deleted.</p>}
        confirmLabel="Delete"
        onConfirm={() => call(api.DELETE('/sites/{id}', { params: { path: { id: s.id } } }), [['sites']])}
      >
        Delete
      </ConfirmButton>
    </>
  );
}

/** Create (site null) or edit a site. Checked here first (name, slug, a country from the list), then by the API. */
function SiteForm({ site, onDone }: { site: Site | null; onDone?: () => void }) {
  const queries = useQueryClient();
  const [name, setName] = useState(site?.name ?? '');
  const [slug, setSlug] = useState(site?.slug ?? '');
  const [country, setCountry] = useState<string | null>(site?.defaultCountry ?? null);
  const [countryText, setCountryText] = useState('');
  const [timeZone, setTimeZone] = useState<string | null>(site?.timeZone ?? 'UTC');
  const [timeZoneText, setTimeZoneText] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const check = (): Record<string, string> => {
    const e: Record<string, string> = {};
    if (!name.trim()) e.name = 'Enter a name for the site.';
    if (slug && !SLUG.test(slug)) e.slug = 'A slug is lower-case letters, digits and dashes (up to 64), starting with a letter or digit.';
    const c = countryProblem(country, country ? '' : countryText);
    if (c) e.defaultCountry = c;
    if (!timeZone) e.timeZone = timeZoneText.trim() ? 'Choose a time zone from the list, such as Europe/Berlin.' : 'Choose a time zone (UTC if unsure).';
    return e;
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setDone(null);
    const local = check();
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    try {
      if (site) {
        await ok(api.PATCH('/sites/{id}', { params: { path: { id: site.id } }, body: { name: name.trim(), ...(slug && slug !== site.slug ? { slug } : {}), defaultCountry: country, ...(timeZone ? { timeZone } : {}) } }));
      } else {
        const created = await ok(api.POST('/sites', { body: { name: name.trim(), ...(slug ? { slug } : {}), ...(country ? { defaultCountry: country } : {}), ...(timeZone ? { timeZone } : {}) } }));
        setName('');
        setSlug('');
        setCountry(null);
        setCountryText('');
        setTimeZone('UTC');
        setTimeZoneText('');
        setDone(`Created ${created.name} (${created.slug}).`);
      }
      await queries.invalidateQueries({ queryKey: ['sites'] });
      onDone?.();
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="inline-form top" noValidate aria-label={site ? `Edit site ${site.name}` : 'New site'} onSubmit={(e) => void submit(e)}>
      <TextField label="Name" value={name} error={errors.name} autoFocus={!!site} onChange={(e) => setName(e.target.value)} />
      <TextField label="Slug" value={slug} error={errors.slug} hint={site ? 'Changing it changes URLs that name it.' : 'Optional; made from the name.'} onChange={(e) => setSlug(e.target.value.toLowerCase())} />
      <CountryField
        label="Country"
        value={country}
        onChange={(c) => {
          setCountry(c);
          setErrors(({ defaultCountry: _, ...rest }) => rest);
        }}
        onTextChange={setCountryText}
        error={errors.defaultCountry}
        hint="Reads national numbers (030 …) of the site's contacts."
      />
      <TimeZoneField
        value={timeZone}
        onChange={(z) => {
          setTimeZone(z);
          setErrors(({ timeZone: _, ...rest }) => rest);
        }}
        onTextChange={setTimeZoneText}
        error={errors.timeZone}
      />
      <ErrorMessage error={failure} />
      {done && <p role="status">{done}</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : site ? 'Save site' : 'Create site'}
        </button>
        {site && onDone && (
          <button type="button" onClick={onDone} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
