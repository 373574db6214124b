/** Create and edit a contact. The API validates; its messages appear at the fields their path names. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok, type Contact, type Schemas } from '../api/client';
import { useSites } from '../api/queries';
import { Link, useRouter, useSearchParams } from '../router';
import { OtherErrors, SelectField, TextArea, TextField } from '../ui/forms';
import { ErrorMessage, Loading, QueryState } from '../ui/states';

type PhoneType = Schemas['PhoneType'];
const PHONE_TYPES: PhoneType[] = ['work', 'mobile', 'home', 'fax', 'pager', 'other'];
const TEXT_FIELDS = [
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['displayName', 'Display name'],
  ['organization', 'Organisation'],
  ['department', 'Department'],
  ['title', 'Title'],
] as const;
type TextKey = (typeof TEXT_FIELDS)[number][0];

interface Draft {
  siteId: string;
  text: Record<TextKey, string>;
  emails: string[];
  phones: { type: PhoneType; number: string; label: string }[];
  tags: string;
  notes: string;
}

const toDraft = (c: Contact | null, siteId: string): Draft => ({
  siteId: c?.siteId ?? siteId,
  text: Object.fromEntries(TEXT_FIELDS.map(([k]) => [k, c?.[k] ?? ''])) as Record<TextKey, string>,
  emails: c?.emails.length ? [...c.emails] : [''],
  phones: c?.phones.length ? c.phones.map((p) => ({ type: p.type, number: p.number, label: p.label ?? '' })) : [{ type: 'work', number: '', label: '' }],
  tags: c?.tags.join(', ') ?? '',
  notes: c?.notes ?? '',
});

export function ContactEditPage({ id }: { id: string }) {
  const contact = useQuery({ queryKey: ['contact', id], queryFn: () => ok(api.GET('/contacts/{id}', { params: { path: { id } } })) });
  return <QueryState query={contact}>{(c) => <ContactForm contact={c} />}</QueryState>;
}

/**
 * A new contact goes into the site being viewed (`?siteId=`, set by the contacts list's site filter), or the
 * only site there is; with several and none chosen, the form asks for one rather than guessing.
 */
export function ContactNewPage() {
  const sites = useSites();
  const [params] = useSearchParams();
  if (sites.isPending) return <Loading what="Loading sites" />;
  if (sites.error) return <ErrorMessage error={sites.error} retry={() => void sites.refetch()} />;
  if (!sites.data?.length) return <ErrorMessage error={new Error('There is no site to put a contact in: create a site first (Sites).')} />;
  const wanted = params.get('siteId');
  const site = sites.data.find((s) => s.id === wanted)?.id ?? (sites.data.length === 1 ? sites.data[0]!.id : '');
  return <ContactForm contact={null} defaultSite={site} />;
}

function ContactForm({ contact, defaultSite = '' }: { contact: Contact | null; defaultSite?: string }) {
  const { navigate } = useRouter();
  const queries = useQueryClient();
  const sites = useSites();
  const [draft, setDraft] = useState(() => toDraft(contact, defaultSite));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFailure(null);
    if (!contact && !draft.siteId) {
      setErrors({ siteId: 'Choose the site the contact belongs to.' });
      setFailure(new Error('Please correct the marked fields.'));
      return;
    }
    setBusy(true);
    const fields = {
      ...Object.fromEntries(TEXT_FIELDS.map(([k]) => [k, draft.text[k].trim() || null])),
      emails: draft.emails.map((m) => m.trim()).filter(Boolean),
      phones: draft.phones.filter((p) => p.number.trim()).map((p) => ({ type: p.type, number: p.number, label: p.label.trim() || null })),
      tags: draft.tags.split(',').map((t) => t.trim()).filter(Boolean),
      notes: draft.notes.trim() || null,
    };
    try {
      const saved = contact
        ? await ok(api.PATCH('/contacts/{id}', { params: { path: { id: contact.id }, header: { 'if-match': `"${contact.id}.${contact.version}"` } }, body: fields }))
        : await ok(api.POST('/contacts', { body: { siteId: draft.siteId, source: 'manual', attributes: {}, ...fields } }));
      await queries.invalidateQueries({ queryKey: ['contacts'] });
      await queries.invalidateQueries({ queryKey: ['contact', saved.id] });
      navigate(`/contacts/${saved.id}`);
    } catch (err) {
      const fe = err instanceof ApiError ? err.fieldErrors() : {};
      setErrors(fe);
      if (err instanceof ApiError && err.status === 412) setFailure(new Error('Someone changed this contact meanwhile. Reload the page to edit the current version.'));
      else if (!Object.keys(fe).length) setFailure(err);
      else setFailure(new Error('Please correct the marked fields.'));
    } finally {
      setBusy(false);
    }
  };

  const shown = (f: string) => /^(siteId|firstName|lastName|displayName|organization|department|title|notes|tags(\.\d+)?|emails\.\d+|phones\.\d+\.(number|type|label))$/.test(f);
  const tagError = Object.entries(errors).find(([f]) => f === 'tags' || f.startsWith('tags.'))?.[1];

  return (
    <section>
      <header className="page-head">
        <h1>{contact ? `Edit ${contact.displayName}` : 'New contact'}</h1>
        <Link to={contact ? `/contacts/${contact.id}` : '/contacts'}>Cancel</Link>
      </header>
      <form className="card form-grid" noValidate onSubmit={(e) => void submit(e)}>
        {!contact && (
          <SelectField label="Site" value={draft.siteId} error={errors.siteId} onChange={(e) => set({ siteId: e.target.value })}>
            {!draft.siteId && (
              <option value="" disabled>
                Choose a site…
              </option>
            )}
            {sites.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        )}
        {TEXT_FIELDS.map(([key, label], i) => (
          <TextField key={key} label={label} value={draft.text[key]} error={errors[key]} autoFocus={i === 0} onChange={(e) => set({ text: { ...draft.text, [key]: e.target.value } })} {...(key === 'displayName' ? { hint: 'Left empty: built from the names.' } : {})} />
        ))}

        <fieldset className="span-all">
          <legend>Phone numbers</legend>
          {draft.phones.map((p, i) => (
            <div key={i} className="row">
              <SelectField label={`Type of number ${i + 1}`} value={p.type} error={errors[`phones.${i}.type`]} onChange={(e) => set({ phones: draft.phones.map((x, j) => (j === i ? { ...x, type: e.target.value as PhoneType } : x)) })}>
                {PHONE_TYPES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </SelectField>
              <TextField label={`Number ${i + 1}`} inputMode="tel" value={p.number} error={errors[`phones.${i}.number`]} onChange={(e) => set({ phones: draft.phones.map((x, j) => (j === i ? { ...x, number: e.target.value } : x)) })} />
              <TextField label={`Label ${i + 1}`} value={p.label} error={errors[`phones.${i}.label`]} onChange={(e) => set({ phones: draft.phones.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })} />
              <button type="button" className="link" aria-label={`Remove number ${i + 1}`} onClick={() => set({ phones: draft.phones.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set({ phones: [...draft.phones, { type: 'work', number: '', label: '' }] })}>
            Add number
          </button>
        </fieldset>

        <fieldset className="span-all">
          <legend>E-mail addresses</legend>
          {draft.emails.map((m, i) => (
            <div key={i} className="row">
              <TextField label={`E-mail ${i + 1}`} type="email" value={m} error={errors[`emails.${i}`]} onChange={(e) => set({ emails: draft.emails.map((x, j) => (j === i ? e.target.value : x)) })} />
              <button type="button" className="link" aria-label={`Remove e-mail ${i + 1}`} onClick={() => set({ emails: draft.emails.filter((_, j) => j !== i) })}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" onClick={() => set({ emails: [...draft.emails, ''] })}>
            Add e-mail
          </button>
        </fieldset>

        <TextField label="Tags" value={draft.tags} error={tagError} hint="Separated by commas." onChange={(e) => set({ tags: e.target.value })} />
        <TextArea label="Notes" value={draft.notes} error={errors.notes} rows={3} onChange={(e) => set({ notes: e.target.value })} />

        <div className="span-all">
          <OtherErrors errors={errors} shown={shown} />
          <ErrorMessage error={failure} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : contact ? 'Save changes' : 'Create contact'}
          </button>
        </div>
      </form>
    </section>
  );
}
