/** A plugin's registered actions as buttons; each shows what it reported. */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok, type Schemas } from '../api/client';
import { useSites } from '../api/queries';
import { errorText } from './states';

type Action = Schemas['PluginInfo']['actions'][number];

export function ActionButtons({ actions: all }: { actions: Action[] }) {
  const sites = useSites();
  const [siteId, setSiteId] = useState('');
  // Contact and bulk actions live on the contact pages and the contacts list.
  const actions = all.filter((a) => a.scope === 'plugin');
  const elsewhere = all.length - actions.length;
  if (!actions.length) return <p className="muted small">{elsewhere ? `No buttons here; ${elsewhere} action(s) on contact pages and the contacts list.` : 'No actions.'}</p>;
  return (
    <div className="action-list">
      {(sites.data?.length ?? 0) > 1 && (
        <label className="small">
          Site for the actions{' '}
          <select value={siteId} onChange={(e) => setSiteId(e.target.value)}>
            <option value="">the plugin's default</option>
            {sites.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {actions.map((a) => (
        <ActionButton key={a.id} action={a} siteId={siteId} />
      ))}
      {elsewhere > 0 && <p className="muted small">{elsewhere} more action(s) on contact pages and the contacts list.</p>}
    </div>
  );
}

/** What an action run reported (or its error, as a failed result). */
export type ActionRunResult = { ok: boolean; message: string; data?: unknown };

/**
 * Run an action (`call`) with its busy flag and result, then refresh the lists it may have changed (`stale`):
 * the one run-and-report state every action button shares.
 */
export function useActionRun(call: () => Promise<ActionRunResult>, stale: readonly (readonly unknown[])[]) {
  const queries = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ActionRunResult | null>(null);
  const run = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await call());
      for (const queryKey of stale) void queries.invalidateQueries({ queryKey });
    } catch (err) {
      setResult({ ok: false, message: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, result, run };
}

function ActionButton({ action, siteId }: { action: Action; siteId: string }) {
  const { busy, result, run } = useActionRun(() => ok(api.POST('/actions/{actionId}', { params: { path: { actionId: action.id } }, body: siteId ? { siteId } : {} })), [['contacts'], ['jobs'], ['notifications']]);
  return (
    <div className="action">
      <button type="button" onClick={() => void run()} disabled={busy} title={action.description ?? undefined}>
        {busy ? `${action.label}…` : action.label}
      </button>
      {action.description && <span className="muted small">{action.description}</span>}
      {result && (
        <div className={`result ${result.ok ? 'ok' : 'bad'}`} role="status" aria-label={`${action.label} result`}>
          <strong>{result.ok ? 'Done' : 'Failed'}:</strong> {result.message}
          {result.data !== undefined && result.data !== null && (
            <details>
              <summary>Details</summary>
              <pre>{JSON.stringify(result.data, null, 2)}</pre>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
