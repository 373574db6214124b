/** Users by role: invite, assign sites, change role (administrators) or status, resend the sign-up link, delete. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, ok, type User } from '../api/client';
import { useCallAndRefresh, useSiteName, useSites } from '../api/queries';
import { useAuth } from '../auth';
import { Link } from '../router';
import { ConfirmButton } from '../ui/confirm';
import { CopyValue } from '../ui/copy';
import { EditDialog, FormDialog } from '../ui/dialog';
import { SelectField, TextField } from '../ui/forms';
import { ErrorMessage, formatDate, Loading, QueryState } from '../ui/states';
import { actionsColumn, columnHelper, DataTable } from '../ui/table';

const ROLES: User['role'][] = ['admin', 'staff', 'user'];
const ROLE_TITLES: Record<User['role'], string> = { admin: 'Administrators', staff: 'Staff', user: 'Users' };
const SETTING_NAMES: Record<string, string> = { 'email.smtp.host': 'the SMTP server', 'email.from.address': 'the sender address' };

export function UsersPage() {
  const users = useQuery({ queryKey: ['users'], queryFn: () => ok(api.GET('/users')) });
  const { isAtLeast } = useAuth();
  const mail = users.data?.mail;
  const siteName = useSiteName();
  // What a row's action says (a fresh link sent) or why it failed, above the lists.
  const [note, setNote] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const mailConfigured = mail?.configured ?? true;
  const columns = useMemo(() => {
    const report = { note: (n: string) => (setFailure(null), setNote(n)), failed: (e: unknown) => (setNote(null), setFailure(e)) };
    return userColumns({ siteName, mailConfigured, report });
  }, [siteName, mailConfigured]);
  const byRole = useMemo(() => Object.fromEntries(ROLES.map((r) => [r, users.data?.items.filter((u) => u.role === r) ?? []])) as Record<User['role'], User[]>, [users.data]);
  return (
    <section>
      <header className="page-head">
        <h1>Users</h1>
      </header>
      {mail && !mail.configured && (
        <div className="notice" role="note" aria-label="Mail not configured">
          <p>
            <strong>Mail is not configured:</strong> invitations and password-reset links cannot go out by mail until {mail.missing.map((m) => SETTING_NAMES[m] ?? m).join(' and ')} {mail.missing.length === 1 ? 'is' : 'are'} set.
          </p>
          {isAtLeast('admin') ? (
            <p className="small">
              Set them in <Link to="/settings/email">Settings → E-mail</Link>. Meanwhile, use <strong>Copy invitation link</strong> at an invited user and hand the link over yourself.
            </p>
          ) : (
            <p className="small">Ask an administrator to set up mail, or to copy an invited user's link for you.</p>
          )}
        </div>
      )}
      <NewUser mailConfigured={mail?.configured ?? true} />
      {note && (
        <p role="status" className="notice">
          {note}
        </p>
      )}
      <ErrorMessage error={failure} />
      <QueryState query={users} what="Loading users">
        {() =>
          ROLES.map((role) => (
            <div key={role} className="card">
              <h2>
                {ROLE_TITLES[role]} <span className="muted">({byRole[role].length})</span>
              </h2>
              <DataTable label={ROLE_TITLES[role]} cards="phone" columns={columns} rows={byRole[role]} empty="None." />
            </div>
          ))
        }
      </QueryState>
    </section>
  );
}

function SitePicker({ value, onChange, legend }: { value: string[]; onChange: (ids: string[]) => void; legend: string }) {
  const sites = useSites();
  return (
    <fieldset className="sites-picker">
      <legend>{legend}</legend>
      {sites.data?.length === 0 && <span className="muted">No sites.</span>}
      {sites.data?.map((s) => (
        <label key={s.id} className="check">
          <input type="checkbox" checked={value.includes(s.id)} onChange={(e) => onChange(e.target.checked ? [...value, s.id] : value.filter((x) => x !== s.id))} /> {s.name}
        </label>
      ))}
    </fieldset>
  );
}

function NewUser({ mailConfigured }: { mailConfigured: boolean }) {
  const { isAtLeast } = useAuth();
  const queries = useQueryClient();
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [role, setRole] = useState<User['role']>('user');
  const [siteIds, setSiteIds] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFailure(null);
    setDone(null);
    try {
      const { user } = await ok(api.POST('/users', { body: { email, firstName: firstName || null, lastName: lastName || null, role, siteIds } }));
      setDone(mailConfigured ? `Invited ${user.email}: the sign-up link is on its way by mail.` : `Invited ${user.email}. Mail is not configured, so the link waits in the outbox: ${isAtLeast('admin') ? 'copy it below (Copy invitation link) and hand it over.' : 'an administrator can copy it for you.'}`);
      setEmail('');
      setFirstName('');
      setLastName('');
      setSiteIds([]);
      await queries.invalidateQueries({ queryKey: ['users'] });
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    }
  };
  return (
    <form className="card inline-form" noValidate onSubmit={(e) => void submit(e)}>
      <h2>Invite a user</h2>
      <TextField label="E-mail" type="email" value={email} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
      <TextField label="First name" value={firstName} error={errors.firstName} onChange={(e) => setFirstName(e.target.value)} />
      <TextField label="Last name" value={lastName} error={errors.lastName} onChange={(e) => setLastName(e.target.value)} />
      <SelectField label="Role" value={role} error={errors.role} onChange={(e) => setRole(e.target.value as User['role'])}>
        {ROLES.filter((r) => r === 'user' || isAtLeast('admin')).map((r) => (
          <option key={r}>{r}</option>
        ))}
      </SelectField>
      <SitePicker legend="Sites" value={siteIds} onChange={setSiteIds} />
      <ErrorMessage error={failure} />
      {done && <p role="status">{done}</p>}
      <button type="submit" className="primary">
        Send invitation
      </button>
    </form>
  );
}

interface Report {
  note(text: string): void;
  failed(error: unknown): void;
}

const col = columnHelper<User>();
const userColumns = ({ siteName, mailConfigured, report }: { siteName: (id: string) => string; mailConfigured: boolean; report: Report }) =>
  col.columns([
    col.accessor((u) => [u.firstName, u.lastName].filter(Boolean).join(' ') || u.email, {
      id: 'name',
      header: 'Name',
      enableSorting: true,
      cell: (c) => (
        <>
          <strong>{c.getValue()}</strong> {c.getValue() !== c.row.original.email && <span className="muted">{c.row.original.email}</span>}
        </>
      ),
      meta: { cardTitle: true },
    }),
    col.accessor('status', { header: 'Status', enableSorting: true, cell: (c) => <span className={`badge ${c.getValue() === 'active' ? 'ok' : 'warn'}`}>{c.getValue()}</span> }),
    col.accessor((u) => (u.role === 'user' ? u.siteIds.map((id) => siteName(id) || id).join(', ') || 'none' : 'All sites'), { id: 'sites', header: 'Sites', enableSorting: true }),
    col.accessor('lastSigninAt', { header: 'Last sign-in', enableSorting: true, cell: (c) => formatDate(c.getValue()), meta: { className: 'small' } }),
    actionsColumn(col, (u) => <UserActions user={u} mailConfigured={mailConfigured} report={report} />),
  ]);

function UserActions({ user: u, mailConfigured, report }: { user: User; mailConfigured: boolean; report: Report }) {
  const { user: me, isAtLeast } = useAuth();
  const call = useCallAndRefresh();
  const resend = () =>
    void ok(api.POST('/users/{id}/invite', { params: { path: { id: u.id } } }))
      .then(() => report.note(mailConfigured ? `A fresh sign-up link for ${u.email} is on its way; earlier links no longer work.` : `A fresh sign-up link for ${u.email} waits in the outbox until mail is set up; earlier links no longer work.`))
      .catch(report.failed);
  return (
    <>
      <EditDialog what={u.email}>{(done) => <EditUser user={u} onDone={done} />}</EditDialog>
      {u.status === 'invited' && (
        <button type="button" onClick={resend}>
          Resend invitation
        </button>
      )}
      {u.status === 'invited' && isAtLeast('admin') && <InvitationLink user={u} />}
      {me?.id !== u.id && (
        <ConfirmButton
          danger
          title="Delete user"
          message={<p>Delete {u.email}? Their sessions and API tokens end.</p>}
          confirmLabel="Delete"
          onConfirm={() => call(api.DELETE('/users/{id}', { params: { path: { id: u.id } } }), [['users']])}
        >
          Delete
        </ConfirmButton>
      )}
    </>
  );
}

/** Role (administrators), status (not while invited) and assigned sites, in a dialog. */
function EditUser({ user: u, onDone }: { user: User; onDone: () => void }) {
  const { isAtLeast } = useAuth();
  const queries = useQueryClient();
  const [siteIds, setSiteIds] = useState(u.siteIds);
  const [role, setRole] = useState(u.role);
  const [status, setStatus] = useState(u.status === 'disabled' ? 'disabled' : 'active');
  const [error, setError] = useState<unknown>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await ok(api.PATCH('/users/{id}', { params: { path: { id: u.id } }, body: { siteIds, ...(isAtLeast('admin') ? { role } : {}), ...(u.status !== 'invited' ? { status: status as 'active' | 'disabled' } : {}) } }));
      await queries.invalidateQueries({ queryKey: ['users'] });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="inline-form" aria-label={`Edit user ${u.email}`} onSubmit={(e) => void save(e)}>
      {isAtLeast('admin') && (
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </SelectField>
      )}
      {u.status !== 'invited' && (
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="active">active</option>
          <option value="disabled">disabled</option>
        </SelectField>
      )}
      <SitePicker legend="Assigned sites" value={siteIds} onChange={setSiteIds} />
      <ErrorMessage error={error} />
      <div className="form-actions">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Administrators: a fresh sign-up link for an invited user (earlier ones void, audited), shown in a dialog to copy. */
function InvitationLink({ user: u }: { user: User }) {
  const [open, setOpen] = useState(false);
  const [link, setLink] = useState<{ link: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    setLink(null);
    setError(null);
    if (next) void ok(api.POST('/users/{id}/invitation-link', { params: { path: { id: u.id } } })).then(setLink, setError);
  };
  return (
    <FormDialog open={open} onOpenChange={onOpenChange} title={`Invitation link for ${u.email}`} trigger={<button type="button">Copy invitation link</button>}>
      <ErrorMessage error={error} />
      {link ? (
        <>
          <p className="small">
            A new sign-up link for {u.email}, valid until {formatDate(link.expiresAt)}; earlier links no longer work. Whoever opens it sets the password: hand it over privately.
          </p>
          <CopyValue text={link.link} what={`invitation link for ${u.email}`} />
        </>
      ) : (
        !error && <Loading what="Making a fresh link" />
      )}
    </FormDialog>
  );
}
