/**
 * Recording a call by hand (`POST /calls`) and editing one (`PATCH /calls/{id}`), in a dialog. The API's
 * messages show at their fields (422); the same external id again (409) says which call has it, with a link.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { CALL_DIRECTIONS, CALL_STATUSES, type Call, type CallDirection, type CallStatus } from '../../api/calls';
import { api, ApiError, ok, type Site } from '../../api/client';
import { Link } from '../../router';
import { OtherErrors, SelectField, TextField } from '../../ui/forms';
import { errorText } from '../../ui/states';
import { DIRECTION_LABELS, fromLocalInput, STATUS_LABELS, toLocalInput } from '../../components/calls/format';

interface Draft {
  siteId: string;
  direction: CallDirection;
  status: CallStatus | '';
  startedAt: string;
  answeredAt: string;
  endedAt: string;
  durationSeconds: string;
  remoteNumber: string;
  remoteName: string;
  localExtension: string;
  localNumber: string;
  externalId: string;
}

const SHOWN = new Set(['siteId', 'direction', 'status', 'startedAt', 'answeredAt', 'endedAt', 'durationSeconds', 'remote.number', 'remote.name', 'local.extension', 'local.number', 'externalId']);

const draftOf = (call: Call | undefined, siteId: string): Draft => ({
  siteId: call?.siteId ?? siteId,
  direction: call?.direction ?? 'inbound',
  status: call?.status ?? '',
  startedAt: toLocalInput(call?.startedAt ?? new Date().toISOString()),
  answeredAt: toLocalInput(call?.answeredAt),
  endedAt: toLocalInput(call?.endedAt),
  durationSeconds: call?.durationSeconds === null || call?.durationSeconds === undefined ? '' : String(call.durationSeconds),
  remoteNumber: call?.remote.number ?? '',
  remoteName: call?.remote.name ?? '',
  localExtension: call?.local.extension ?? '',
  localNumber: call?.local.number ?? '',
  externalId: '',
});

/** The form of a new call (no `call`) or of a manual call's edit; `onDone` gets the saved call. */
export function CallForm({ call, sites, siteId, onDone, onOpenCall }: { call?: Call; sites: Site[]; siteId: string; onDone: (saved: Call) => void; onOpenCall: () => void }) {
  const queries = useQueryClient();
  const [d, setD] = useState<Draft>(() => draftOf(call, siteId));
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [taken, setTaken] = useState<string | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    const times: Record<string, string | null> = {};
    for (const k of ['startedAt', 'answeredAt', 'endedAt'] as const) {
      const iso = fromLocalInput(d[k]);
      if (iso === undefined) return setErrors({ [k]: 'This is not a date and time.' });
      times[k] = iso;
    }
    if (!times.startedAt) return setErrors({ startedAt: 'When did the call start?' });
    const duration = d.durationSeconds.trim() === '' ? null : Number(d.durationSeconds);
    setBusy(true);
    setErrors({});
    setFailure(null);
    setTaken(null);
    try {
      let saved: Call;
      if (call) {
        saved = await ok(
          api.PATCH('/calls/{id}', {
            params: { path: { id: call.id } },
            body: {
              direction: d.direction,
              ...(d.status ? { status: d.status } : {}),
              startedAt: times.startedAt,
              answeredAt: times.answeredAt ?? null,
              endedAt: times.endedAt ?? null,
              durationSeconds: duration,
              local: { number: d.localNumber.trim() || null, extension: d.localExtension.trim() || null, userId: call.local.userId },
              remote: { number: d.remoteNumber.trim() || null, name: d.remoteName.trim() || null },
            },
          }),
        );
      } else {
        if (d.localNumber.trim()) local.number = d.localNumber.trim();
        if (d.localExtension.trim()) local.extension = d.localExtension.trim();
        saved = await ok(
          api.POST('/calls', {
            body: {
              siteId: d.siteId,
              source: 'manual',
              direction: d.direction,
              ...(d.status ? { status: d.status } : {}),
              startedAt: times.startedAt,
              ...(times.answeredAt ? { answeredAt: times.answeredAt } : {}),
              ...(times.endedAt ? { endedAt: times.endedAt } : {}),
              ...(duration !== null ? { durationSeconds: duration } : {}),
              ...(d.externalId.trim() ? { externalId: d.externalId.trim() } : {}),
              local,
              remote: { ...(d.remoteNumber.trim() ? { number: d.remoteNumber.trim() } : {}), ...(d.remoteName.trim() ? { name: d.remoteName.trim() } : {}) },
            },
          }),
        );
      }
      await queries.invalidateQueries({ queryKey: ['calls'] });
      onDone(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && typeof err.problem?.details?.id === 'string') setTaken(err.problem.details.id);
      else if (err instanceof ApiError && err.status === 422) setErrors(err.fieldErrors());
      else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const input = (k: keyof Draft) => ({ value: d[k], onChange: (e: { target: { value: string } }) => set(k, e.target.value as never), error: errors[k] });
  return (
    <form className="call-form" onSubmit={(e) => void submit(e)} noValidate>
      {taken && (
        <div className="state error" role="alert">
          <span>
            A call with this external id is already recorded. <Link to={`/calls?call=${taken}`} onClick={onOpenCall}>Open the existing call</Link>
          </span>
        </div>
      )}
      {failure !== null && (
        <p className="state error" role="alert">
          {errorText(failure)}
        </p>
      )}
      <div className="form-grid">
        {!call && sites.length > 1 && (
          <SelectField label="Site" {...input('siteId')}>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField label="Direction" {...input('direction')}>
          {CALL_DIRECTIONS.map((x) => (
            <option key={x} value={x}>
              {DIRECTION_LABELS[x]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Status" {...input('status')} hint={call ? undefined : 'Default: answered when an answer time is given, else missed (inbound) or canceled.'}>
          {!call && <option value="">Default</option>}
          {CALL_STATUSES.map((x) => (
            <option key={x} value={x}>
              {STATUS_LABELS[x]}
            </option>
          ))}
        </SelectField>
        <TextField label="Started" type="datetime-local" step={1} required {...input('startedAt')} />
        <TextField label="Answered" type="datetime-local" step={1} {...input('answeredAt')} />
        <TextField label="Ended" type="datetime-local" step={1} {...input('endedAt')} />
        <TextField label="Duration (seconds)" inputMode="numeric" {...input('durationSeconds')} hint="Only when there are no answer and end times." />
        <TextField label="Remote number" {...input('remoteNumber')} error={errors['remote.number']} />
        <TextField label="Remote name" {...input('remoteName')} error={errors['remote.name']} />
        <TextField label="Local extension" {...input('localExtension')} error={errors['local.extension']} />
        <TextField label="Local number" {...input('localNumber')} error={errors['local.number']} />
        {!call && <TextField label="External id" {...input('externalId')} hint="Optional: the id of this call elsewhere (a ticket, a PBX log line). Default: a new one." />}
      </div>
      <OtherErrors errors={errors} shown={(f) => SHOWN.has(f)} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : call ? 'Save changes' : 'Record call'}
        </button>
      </div>
    </form>
  );
}
