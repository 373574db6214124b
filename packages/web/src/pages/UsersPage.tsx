/** Users by role: invite, assign sites, change role (administrators) or status, resend the sign-up link, delete. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok, type User } from '../api/client';
import { useSites } from '../api/queries';
import { useAuth } from '../auth';
import { Link } from '../router';
import { ConfirmButton } from '../ui/confirm';
import { CopyValue } from '../ui/copy';
import { SelectField, TextField } from '../ui/forms';
import { Empty, ErrorMessage, formatDate, QueryState } from '../ui/states';

const ROLES: User['role'][] = ['admin', 'staff', 'user'];
const ROLE_TITLES: Record<User['role'], string> = { admin: 'Administrators', staff: 'Staff', user: 'Users' };
const SETTING_NAMES: Record<string, string> = { 'email.smtp.host': 'the SMTP server', 'email.from.address': 'the sender address' };

export function UsersPage() {
  const users = useQuery({ queryKey: ['users'], queryFn: () => ok(api.GET('/users')) });
  const { isAtLeast } = useAuth();
  const mail = users.data?.mail;
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
      <QueryState query={users} what="Loading users">
        {({ items }) => (
          <>
            {ROLES.map((role) => {
              const of = items.filter((u) => u.role === role);
              return (
                <div key={role} className="card">
                  <h2>
                    {ROLE_TITLES[role]} <span className="muted">({of.length})</span>
                  </h2>
                  {of.length === 0 ? (
                    <Empty>None.</Empty>
                  ) : (
                    <ul className="plain users">
                      {of.map((u) => (
                        <UserRow key={u.id} user={u} mailConfigured={mail?.configured ?? true} />
                      ))}
                    </ul>
                  )}
                </div>
              );
            })}
          </>
        )}
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

function UserRow({ user: u, mailConfigured }: { user: User; mailConfigured: boolean }) {
  const { user: me, isAtLeast } = useAuth();
  const sites = useSites();
  const queries = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [siteIds, setSiteIds] = useState(u.siteIds);
  const [role, setRole] = useState(u.role);
  const [status, setStatus] = useState(u.status === 'disabled' ? 'disabled' : 'active');
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [link, setLink] = useState<{ link: string; expiresAt: string } | null>(null);
  const refresh = () => queries.invalidateQueries({ queryKey: ['users'] });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await ok(api.PATCH('/users/{id}', { params: { path: { id: u.id } }, body: { siteIds, ...(isAtLeast('admin') ? { role } : {}), ...(u.status !== 'invited' ? { status: status as 'active' | 'disabled' } : {}) } }));
      setEditing(false);
      await refresh();
    } catch (err) {
      setError(err);
    }
  };
  const siteNames = u.siteIds.map((id) => sites.data?.find((s) => s.id === id)?.name ?? id).join(', ');
  return (
    <li>
      <div className="row between">
        <div>
          <strong>{[u.firstName, u.lastName].filter(Boolean).join(' ') || u.email}</strong> <span className="muted">{u.email}</span>{' '}
          <span className={`badge ${u.status === 'active' ? 'ok' : 'warn'}`}>{u.status}</span>
          <div className="muted small">
            {u.role === 'user' ? `Sites: ${siteNames || 'none'}` : 'All sites'} · last sign-in {formatDate(u.lastSigninAt)}
          </div>
        </div>
        <div className="actions">
          <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            {editing ? 'Close' : 'Edit'}
          </button>
          {u.status === 'invited' && (
            <button
              type="button"
              onClick={() =>
                void ok(api.POST('/users/{id}/invite', { params: { path: { id: u.id } } }))
                  .then(() => setNote(mailConfigured ? 'A fresh sign-up link is on its way; earlier links no longer work.' : 'A fresh sign-up link waits in the outbox until mail is set up; earlier links no longer work.'))
                  .catch(setError)
              }
            >
              Resend invitation
            </button>
          )}
          {u.status === 'invited' && isAtLeast('admin') && (
            <button
              type="button"
              onClick={() => {
                setError(null);
                setNote(null);
                void ok(api.POST('/users/{id}/invitation-link', { params: { path: { id: u.id } } }))
                  .then(setLink)
                  .catch(setError);
              }}
            >
              Copy invitation link
            </button>
          )}
          {me?.id !== u.id && (
            <ConfirmButton
              danger
              title="Delete user"
              message={<p>Delete {u.email}? Their sessions and API tokens end.</p>}
              confirmLabel="Delete"
              onConfirm={async () => {
                await ok(api.DELETE('/users/{id}', { params: { path: { id: u.id } } }));
                await refresh();
              }}
            >
              Delete
            </ConfirmButton>
          )}
        </div>
      </div>
      {note && <p role="status">{note}</p>}
      {link && (
        <div className="notice" aria-label={`Invitation link for ${u.email}`}>
          <p className="small">
            A new sign-up link for {u.email}, valid until {formatDate(link.expiresAt)}; earlier links no longer work. Whoever opens it sets the password: hand it over privately.
          </p>
          <CopyValue text={link.link} what={`invitation link for ${u.email}`} />
          <button type="button" className="link" onClick={() => setLink(null)}>
            Hide
          </button>
        </div>
      )}
      {editing && (
        <form className="inline-form" onSubmit={(e) => void save(e)}>
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
          <button type="submit" className="primary">
            Save
          </button>
        </form>
      )}
      <ErrorMessage error={error} />
    </li>
  );
}
