/**
 * A plugin view of scope `global` (`/views/<plugin instance>/<view>`, see `viewPath`): a form from the view's `params` (required ones
 * enforced), and on submit `GET <url>?<params>` with the answer's `items` in the one table (its `message` in the
 * empty state or above the rows). The params live
 * in the page's URL, so a lookup is a link (`/views/cucm/phone-lookup?mac=001A2B3C4D5E`).
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { fetchView, useViews, type PluginView } from '../api/plugin-features';
import { ViewTable } from '../components/ViewTable';
import { useSearchParams } from '../router';
import { TextField } from '../ui/forms';
import { Empty, ErrorMessage, Loading } from '../ui/states';

export function PluginViewPage({ id }: { id: string }) {
  const { views, query } = useViews('global');
  if (query.isPending) return <Loading what="Loading the view" />;
  if (query.error) return <ErrorMessage error={query.error} retry={() => void query.refetch()} />;
  const view = views.find((v) => v.id === id);
  if (!view)
    return (
      <section>
        <h1>No such view</h1>
        <Empty>
          No plugin offers the view <code>{id}</code> to you.
        </Empty>
      </section>
    );
  return <ViewPage key={view.id} view={view} />;
}

function ViewPage({ view }: { view: PluginView }) {
  const [params, setParams] = useSearchParams();
  const asked = useMemo(() => {
    const p = new URLSearchParams();
    for (const f of view.params) {
      const v = params.get(f.name)?.trim();
      if (v) p.set(f.name, v);
    }
    return p;
  }, [params, view.params]);
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(view.params.map((f) => [f.name, params.get(f.name) ?? ''])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  // Run for a URL that names every required param and at least one (or for a view without params), or after a submit.
  const [submitted, setSubmitted] = useState(false);
  const complete = view.params.every((f) => !f.required || asked.has(f.name));
  const run = complete && (submitted || view.params.length === 0 || asked.size > 0);
  const answer = useQuery({ queryKey: ['plugin-view', view.id, asked.toString()], queryFn: () => fetchView(view, asked), enabled: run, retry: false });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const missing = Object.fromEntries(view.params.filter((f) => f.required && !draft[f.name]?.trim()).map((f) => [f.name, `Enter the ${f.label}.`]));
    setErrors(missing);
    if (Object.keys(missing).length) return;
    const next = Object.fromEntries(view.params.map((f) => [f.name, draft[f.name]?.trim() || null]));
    const same = new URLSearchParams(Object.entries(next).filter((e): e is [string, string] => !!e[1])).toString() === asked.toString();
    setParams(next);
    setSubmitted(true);
    if (run && same) void answer.refetch(); // the same lookup again: fetch it anew
  };

  return (
    <section>
      <header className="page-head">
        <div>
          <p className="crumbs">Tools /</p>
          <h1>{view.label}</h1>
          {view.description && <p className="muted">{view.description}</p>}
        </div>
      </header>
      <form className="card inline-form view-form" onSubmit={submit} noValidate aria-label={view.label}>
        {view.params.map((f) => (
          <TextField
            key={f.name}
            label={f.required ? `${f.label} (required)` : f.label}
            name={f.name}
            value={draft[f.name] ?? ''}
            placeholder={f.placeholder ?? undefined}
            required={f.required}
            error={errors[f.name]}
            onChange={(e) => setDraft({ ...draft, [f.name]: e.target.value })}
          />
        ))}
        <button type="submit" className="primary" disabled={answer.isFetching}>
          {answer.isFetching ? 'Looking up…' : view.params.length ? 'Look up' : 'Refresh'}
        </button>
      </form>
      {run ? (
        <ViewTable view={view} items={answer.data?.items} message={answer.data?.message} query={answer} empty="Nothing found." />
      ) : (
        <Empty>{view.params.length ? 'Fill in the form and look up.' : 'Nothing looked up yet.'}</Empty>
      )}
    </section>
  );
}
