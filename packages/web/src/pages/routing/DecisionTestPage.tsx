/**
 * "Test a decision": a DID and a caller → the decision the engine would give now
 * (`POST /routing/decisions/preview`, a dry run: nothing counted or written): the targets in ringing
 * order with client, ring timeout, priority and weight, and every other link with why it was skipped.
 * A seller tests their own DIDs; the DIDs they may test are offered.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError, ok, sentence } from '../../api/client';
import { useDids, type DecisionPreview } from '../../api/routing';
import { TextField } from '../../ui/forms';
import { Empty, ErrorMessage } from '../../ui/states';

export function DecisionTestPage() {
  const dids = useDids();
  const [did, setDid] = useState('');
  const [caller, setCaller] = useState('');
  const [result, setResult] = useState<DecisionPreview | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setResult(null);
    if (!did.trim()) return setErrors({ did: 'Enter the DID that is dialled.' });
    setErrors({});
    setBusy(true);
    try {
      setResult(await ok(api.POST('/routing/decisions/preview', { body: { did: did.trim(), caller: caller.trim() || null } })));
    } catch (err) {
      const fe = err instanceof ApiError && err.status === 422 ? err.fieldErrors() : {};
      if (err instanceof ApiError && err.status === 404) setErrors({ did: sentence(err.message) });
      else if (Object.keys(fe).length) setErrors(fe);
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <header className="page-head">
        <h1>Test a decision</h1>
      </header>
      <p className="muted">What a call would get now, without counting it: nothing is written, no counter moves.</p>
      <form className="inline-form top" noValidate aria-label="Test a decision" onSubmit={(e) => void submit(e)}>
        <TextField label="DID" list="test-dids" value={did} error={errors.did} placeholder="+1 212 555 0100" onChange={(e) => setDid(e.target.value)} />
        <datalist id="test-dids">
          {(dids.data ?? []).map((d) => (
            <option key={d.id} value={d.number}>
              {d.label ?? ''}
            </option>
          ))}
        </datalist>
        <TextField label="Caller" value={caller} error={errors.caller} placeholder="empty: anonymous" onChange={(e) => setCaller(e.target.value)} />
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Deciding…' : 'Test'}
          </button>
        </div>
      </form>
      <ErrorMessage error={failure} />
      {result && <PreviewResult p={result} />}
    </section>
  );
}

function PreviewResult({ p }: { p: DecisionPreview }) {
  return (
    <div className="card" role="region" aria-label="Decision">
      <p className={`badge ${p.action === 'route' ? 'ok' : 'bad'}`}>{p.action === 'route' ? 'Routed' : `Rejected: ${p.reason}`}</p>
      <p>
        {p.explanation} DID <code>{p.did}</code>
        {p.campaign ? <> in campaign <strong>{p.campaign.name}</strong></> : null}, caller {p.caller ? <code>{p.caller}</code> : 'anonymous'}, at {new Date(p.at).toLocaleString()}.
      </p>
      <h3>Targets, in order</h3>
      {p.targets.length ? (
        <ol aria-label="Targets">
          {p.targets.map((t) => (
            <li key={t.linkId}>
              <strong>{t.clientName}</strong> — rings {t.ringTimeout} s <span className="muted">(priority {t.priority}, weight {t.weight})</span>
            </li>
          ))}
        </ol>
      ) : (
        <Empty>No target.</Empty>
      )}
      <h3>Skipped</h3>
      {p.skipped.length ? (
        <ul aria-label="Skipped links">
          {p.skipped.map((s) => (
            <li key={s.linkId}>
              <strong>{s.clientName}</strong>: {s.explanation} <code className="muted">{s.reason}</code>
            </li>
          ))}
        </ul>
      ) : (
        <Empty>No link was skipped.</Empty>
      )}
    </div>
  );
}
