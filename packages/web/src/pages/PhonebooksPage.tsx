/** Phonebooks: list, create, and each one's members, directory URLs per vendor and phone credentials. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, ok, type Phonebook, type Schemas } from '../api/client';
import { usePhonebooks, useSiteName, useSites } from '../api/queries';
import { useAuth } from '../auth';
import { Link, useRouter } from '../router';
import { PhonebookVendors } from './PhonebookVendors';
import { Combobox } from '../ui/combobox';
import { ConfirmButton } from '../ui/confirm';
import { CopyButton, CopyValue } from '../ui/copy';
import { SelectField, TextField } from '../ui/forms';
import { Empty, ErrorMessage, formatDate, QueryState } from '../ui/states';
import { columnHelper, DataTable } from '../ui/table';

const describeFilter = (f: Phonebook['filter']): string => {
  if (!f) return 'explicit members only';
  const parts = Object.entries(f).filter(([, v]) => v);
  return parts.length ? parts.map(([k, v]) => `${k}: ${String(v)}`).join(', ') : 'the whole site';
};

const col = columnHelper<Phonebook>();
const bookColumns = (siteName: (id: string) => string) =>
  col.columns([
    col.accessor('name', {
      header: 'Name',
      enableSorting: true,
      cell: (c) => (
        <>
          <Link to={`/phonebooks/${c.row.original.id}`}>{c.getValue()}</Link> <code className="muted">{c.row.original.slug}</code>
        </>
      ),
      meta: { cardTitle: true },
    }),
    col.accessor((b) => siteName(b.siteId), { id: 'site', header: 'Site', enableSorting: true }),
    col.accessor((b) => describeFilter(b.filter) + (b.explicitMembers ? ` + ${b.explicitMembers} explicit` : ''), { id: 'members', header: 'Members', enableSorting: true }),
    col.accessor('updatedAt', { header: 'Changed', enableSorting: true, cell: (c) => formatDate(c.getValue()), meta: { className: 'hide-narrow' } }),
  ]);

export function PhonebooksPage() {
  const books = usePhonebooks();
  const siteName = useSiteName();
  const columns = useMemo(() => bookColumns(siteName), [siteName]);
  return (
    <section>
      <header className="page-head">
        <h1>Phonebooks</h1>
      </header>
      <NewPhonebook />
      <DataTable label="Phonebooks" cards="phone" columns={columns} rows={books.data} query={books} loading="Loading phonebooks" empty="No phonebooks yet." />
    </section>
  );
}

function NewPhonebook() {
  const sites = useSites();
  const queries = useQueryClient();
  const { navigate } = useRouter();
  const [siteId, setSiteId] = useState('');
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'site' | 'department' | 'explicit'>('site');
  const [department, setDepartment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  // With one site it is that one; with several the form asks rather than taking the first by name.
  const site = siteId || (sites.data?.length === 1 ? sites.data[0]!.id : '');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFailure(null);
    if (!site) {
      setErrors({ siteId: 'Choose the site whose contacts the phonebook lists.' });
      return;
    }
    if (mode === 'department' && !department.trim()) {
      setErrors({ 'filter.department': 'Enter the department whose contacts the phonebook lists.' });
      return;
    }
    const filter = mode === 'site' ? {} : mode === 'department' ? { department } : null;
    try {
      const pb = await ok(api.POST('/phonebooks', { body: { siteId: site, name, filter } }));
      await queries.invalidateQueries({ queryKey: ['phonebooks'] });
      navigate(`/phonebooks/${pb.id}`);
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    }
  };
  if (!sites.data?.length) return null;
  return (
    <form className="card inline-form" noValidate onSubmit={(e) => void submit(e)}>
      <h2>New phonebook</h2>
      <SelectField label="Site" value={site} error={errors.siteId} onChange={(e) => setSiteId(e.target.value)}>
        {!site && (
          <option value="" disabled>
            Choose a site…
          </option>
        )}
        {sites.data.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <TextField label="Name" value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
      <SelectField label="Members" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
        <option value="site">Every contact of the site</option>
        <option value="department">One department</option>
        <option value="explicit">Only contacts added by hand</option>
      </SelectField>
      {mode === 'department' && <DepartmentField siteId={site} value={department} error={errors['filter.department']} onChange={setDepartment} />}
      <ErrorMessage error={failure} />
      <button type="submit" className="primary">
        Create phonebook
      </button>
    </form>
  );
}

/** The departments in use at the site (with counts) to pick from; another name can be typed. */
function DepartmentField({ siteId, value, error, onChange }: { siteId: string; value: string; error: string | undefined; onChange: (v: string) => void }) {
  const query = { status: 'active', ...(siteId ? { siteId } : {}) } as const;
  const facets = useQuery({ queryKey: ['contacts', 'facets', query], queryFn: () => ok(api.GET('/contacts/facets', { params: { query } })), enabled: !!siteId });
  const options = (facets.data?.departments ?? []).map((d) => ({ value: d.value, label: d.value, hint: `${d.count} contact${d.count === 1 ? '' : 's'}` }));
  return <Combobox label="Department" allowCustom options={options} value={value || null} error={error} noMatch="No department at this site yet." onChange={(v) => onChange(v ?? '')} />;
}

export function PhonebookDetailPage({ id }: { id: string }) {
  const book = useQuery({ queryKey: ['phonebook', id], queryFn: () => ok(api.GET('/phonebooks/{id}', { params: { path: { id } } })) });
  return <QueryState query={book} what="Loading the phonebook">{(b) => <PhonebookDetail book={b} />}</QueryState>;
}

function PhonebookDetail({ book }: { book: Phonebook }) {
  const { navigate } = useRouter();
  const { isAtLeast } = useAuth();
  const queries = useQueryClient();
  const members = useQuery({ queryKey: ['phonebook', book.id, 'members'], queryFn: () => ok(api.GET('/phonebooks/{id}/members', { params: { path: { id: book.id }, query: { pageSize: 50 } } })) });
  return (
    <section>
      <header className="page-head">
        <div>
          <p className="crumbs">
            <Link to="/phonebooks">Phonebooks</Link> /
          </p>
          <h1>{book.name}</h1>
          <p className="muted">Members: {describeFilter(book.filter)}</p>
        </div>
        <ConfirmButton
          danger
          title="Delete phonebook"
          message={<p>Delete the phonebook {book.name}? Its contacts stay; phones using its URLs stop getting it.</p>}
          confirmLabel="Delete"
          onConfirm={async () => {
            await ok(api.DELETE('/phonebooks/{id}', { params: { path: { id: book.id } } }));
            await queries.invalidateQueries({ queryKey: ['phonebooks'] });
            navigate('/phonebooks');
          }}
        >
          Delete
        </ConfirmButton>
      </header>
      <div className="two-col">
        <div>
          <DirectoryUrls id={book.id} canCreate={isAtLeast('staff')} />
          <PhonebookVendors id={book.id} />
          <Credentials id={book.id} />
        </div>
        <div className="card">
          <h2>Members</h2>
          <QueryState query={members} what="Loading members">
            {(page) =>
              page.items.length === 0 ? (
                <Empty>No members.</Empty>
              ) : (
                <>
                  <ul className="plain">
                    {page.items.map((c) => (
                      <li key={c.id}>
                        <Link to={`/contacts/${c.id}`}>{c.displayName}</Link> <span className="muted small">{c.phones[0]?.number}</span>
                      </li>
                    ))}
                  </ul>
                  {page.total > page.items.length && <p className="muted">… and {page.total - page.items.length} more</p>}
                </>
              )
            }
          </QueryState>
        </div>
      </div>
    </section>
  );
}

/** Where the phone-credential form is: the notices above it point there. */
const CREDENTIAL_INPUT = 'new-credential-name';
const goToCredentialForm = () => {
  const input = document.getElementById(CREDENTIAL_INPUT);
  input?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  input?.focus({ preventScroll: true });
};

/** How desk phones fetch this phonebook, per vendor renderer: URLs, variants and the provisioning snippet. */
function DirectoryUrls({ id, canCreate }: { id: string; canCreate: boolean }) {
  const q = useQuery({ queryKey: ['phonebook', id, 'directory'], queryFn: () => ok(api.GET('/phonebooks/{id}/directory', { params: { path: { id } } })) });
  const url = (label: string, value: string) => [
    <dt key={`${label}-t`}>{label}</dt>,
    <dd key={`${label}-d`}>
      <CopyValue text={value} what={`${label} URL`} />
    </dd>,
  ];
  return (
    <div className="card">
      <h2>Directory URLs</h2>
      <QueryState query={q} what="Loading directory URLs">
        {(d) =>
          d.vendors.length === 0 ? (
            <Empty>No vendor renders phonebooks on this server: enable a vendor plugin such as Yealink.</Empty>
          ) : (
            <>
              {!d.username && (
                <div className="notice" data-testid="no-credential">
                  <p>
                    <strong>No phone credential yet.</strong> Phones sign in with one; the URLs and the snippet below get its user name once it exists, and its secret replaces &lt;secret&gt; in the token URLs.
                  </p>
                  {canCreate ? (
                    <button type="button" onClick={goToCredentialForm}>
                      Create a credential (below)
                    </button>
                  ) : (
                    <p className="small">Ask staff or an administrator to create one.</p>
                  )}
                </div>
              )}
              {d.vendors.map((v) => (
                <div key={v.vendor} className="vendor">
                  <h3>{v.label}</h3>
                  <dl className="facts urls">
                    {url('Fetch (HTTP basic)', v.urls.basic)}
                    {url('Fetch (token in URL)', v.urls.token)}
                    {v.search && url('Search', v.urls.search)}
                    {url('Caller-ID lookup', v.urls.lookup)}
                    {Object.entries(v.urls.variants).map(([variant, u]) => url(`Variant ${variant}`, u))}
                  </dl>
                  {v.provisioning && (
                    <details>
                      <summary>Provisioning snippet</summary>
                      {!d.username && <p className="small muted">Without a credential the user name and password lines stay empty: create one with the button above, and the snippet fills in its user name.</p>}
                      <pre aria-label={`${v.label} provisioning snippet`}>{v.provisioning.text}</pre>
                      <CopyButton text={v.provisioning.text} what={`${v.label} provisioning snippet`} />
                    </details>
                  )}
                </div>
              ))}
            </>
          )
        }
      </QueryState>
    </div>
  );
}

function Credentials({ id }: { id: string }) {
  const { isAtLeast } = useAuth();
  const queries = useQueryClient();
  const list = useQuery({ queryKey: ['phonebook', id, 'credentials'], queryFn: () => ok(api.GET('/phonebooks/{id}/credentials', { params: { path: { id } } })).then((r) => r.items) });
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<Schemas['CredentialIssued'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [nameError, setNameError] = useState<string | undefined>();
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNameError(undefined);
    if (!name.trim()) {
      setNameError('Name the credential, e.g. after the phones that use it.');
      return;
    }
    try {
      setIssued(await ok(api.POST('/phonebooks/{id}/credentials', { params: { path: { id } }, body: { name } })));
      setName('');
      // The directory URLs and the provisioning snippet carry the credential's user name: read them again.
      await Promise.all([queries.invalidateQueries({ queryKey: ['phonebook', id, 'credentials'] }), queries.invalidateQueries({ queryKey: ['phonebook', id, 'directory'] })]);
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      if (fe.name) setNameError(fe.name);
      else setError(err);
    }
  };
  return (
    <div className="card">
      <h2>Phone credentials</h2>
      {issued && (
        <div className="notice" role="status">
          <p>
            <strong>Copy these now: the secret is not shown again.</strong>
          </p>
          <dl className="facts">
            <dt>User name</dt>
            <dd>{issued.username ? <CopyValue text={issued.username} what="user name" /> : <code>—</code>}</dd>
            <dt>Secret</dt>
            <dd>
              <CopyValue text={issued.secret} what="secret" />
            </dd>
          </dl>
          <button type="button" onClick={() => setIssued(null)}>
            Done
          </button>
        </div>
      )}
      <QueryState query={list} what="Loading credentials">
        {(items) =>
          items.filter((c) => !c.revoked).length === 0 ? (
            <Empty>No credentials: phones cannot fetch this phonebook yet.</Empty>
          ) : (
            <ul className="plain">
              {items
                .filter((c) => !c.revoked)
                .map((c) => (
                  <li key={c.id} className="row between">
                    <span>
                      {c.name} <code className="muted">{c.username ?? c.prefix}</code>
                      <span className="muted small"> · last used {formatDate(c.lastUsedAt)}</span>
                    </span>
                    {isAtLeast('staff') && (
                      <ConfirmButton
                        danger
                        title="Revoke credential"
                        message={<p>Revoke {c.name}? Phones using it stop getting the phonebook.</p>}
                        confirmLabel="Revoke"
                        onConfirm={async () => {
                          await ok(api.DELETE('/credentials/{id}', { params: { path: { id: c.id } } }));
                          await Promise.all([queries.invalidateQueries({ queryKey: ['phonebook', id, 'credentials'] }), queries.invalidateQueries({ queryKey: ['phonebook', id, 'directory'] })]);
                        }}
                      >
                        Revoke
                      </ConfirmButton>
                    )}
                  </li>
                ))}
            </ul>
          )
        }
      </QueryState>
      {isAtLeast('staff') && (
        <form className="row" noValidate onSubmit={(e) => void create(e)}>
          <TextField id={CREDENTIAL_INPUT} label="New credential name" value={name} error={nameError} placeholder="e.g. Reception phones" onChange={(e) => setName(e.target.value)} />
          <button type="submit">Create credential</button>
        </form>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
