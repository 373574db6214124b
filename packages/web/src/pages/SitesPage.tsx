/** Sites (tenants): list and create. */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok } from '../api/client';
import { useSites } from '../api/queries';
import { useAuth } from '../auth';
import { ConfirmButton } from '../ui/confirm';
import { TextField } from '../ui/forms';
import { Empty, ErrorMessage, formatDate, QueryState } from '../ui/states';

export function SitesPage() {
  const sites = useSites();
  const { isAtLeast } = useAuth();
  const queries = useQueryClient();
  return (
    <section>
      <header className="page-head">
        <h1>Sites</h1>
      </header>
      {isAtLeast('staff') && <NewSite />}
      <QueryState query={sites} what="Loading sites">
        {(items) =>
          items.length === 0 ? (
            <Empty>No sites yet.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Slug</th>
                    <th>Country</th>
                    <th className="hide-narrow">Created</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <tr key={s.id}>
                      <td>{s.name}</td>
                      <td>
                        <code>{s.slug}</code>
                      </td>
                      <td>{s.defaultCountry ?? '—'}</td>
                      <td className="hide-narrow">{formatDate(s.createdAt)}</td>
                      <td className="row-actions">
                        {isAtLeast('staff') && (
                          <ConfirmButton
                            danger
                            title="Delete site"
                            message={<p>Delete the site {s.name}? Only an empty site (no contacts, no phonebooks) can be deleted.</p>}
                            confirmLabel="Delete"
                            onConfirm={async () => {
                              await ok(api.DELETE('/sites/{id}', { params: { path: { id: s.id } } }));
                              await queries.invalidateQueries({ queryKey: ['sites'] });
                            }}
                          >
                            Delete
                          </ConfirmButton>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </section>
  );
}

function NewSite() {
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [country, setCountry] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFailure(null);
    try {
      await ok(api.POST('/sites', { body: { name, ...(slug ? { slug } : {}), ...(country ? { defaultCountry: country } : {}) } }));
      setName('');
      setSlug('');
      setCountry('');
      await queries.invalidateQueries({ queryKey: ['sites'] });
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (!Object.keys(fe).length) setFailure(err);
    }
  };
  return (
    <form className="card inline-form" noValidate onSubmit={(e) => void submit(e)}>
      <h2>New site</h2>
      <TextField label="Name" value={name} error={errors.name} onChange={(e) => setName(e.target.value)} />
      <TextField label="Slug" value={slug} error={errors.slug} hint="Optional; made from the name." onChange={(e) => setSlug(e.target.value)} />
      <TextField label="Default country" value={country} error={errors.defaultCountry} hint="ISO code, e.g. DE" maxLength={2} onChange={(e) => setCountry(e.target.value)} />
      <ErrorMessage error={failure} />
      <button type="submit" className="primary">
        Create site
      </button>
    </form>
  );
}
