/** The volume caps of a client or link (per hour, day, month, in total; empty: none) and what they count. */
import { TextField, SelectField } from '../../ui/forms';
import type { Caps } from '../../api/routing';
import { capText, isError, parseCap } from './numbers';

export type CapsText = { hour: string; day: string; month: string; total: string; countBy: Caps['countBy'] };

export const capsText = (c: Caps | undefined): CapsText => ({ hour: capText(c?.hour), day: capText(c?.day), month: capText(c?.month), total: capText(c?.total), countBy: c?.countBy ?? 'routed' });

/** The caps to send, or the messages by field path (`caps.day`). */
export function capsValue(t: CapsText, path = 'caps'): { caps: Caps } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const out: Record<string, number | null> = {};
  for (const p of ['hour', 'day', 'month', 'total'] as const) {
    const v = parseCap(t[p]);
    if (isError(v)) errors[`${path}.${p}`] = v.error;
    else out[p] = v;
  }
  return Object.keys(errors).length ? { errors } : { caps: { hour: out.hour ?? null, day: out.day ?? null, month: out.month ?? null, total: out.total ?? null, countBy: t.countBy } };
}

const LABELS = { hour: 'Per hour', day: 'Per day', month: 'Per month', total: 'In total' } as const;

export function CapsFields({ value, onChange, errors = {}, path = 'caps', legend = 'Volume caps' }: { value: CapsText; onChange: (v: CapsText) => void; errors?: Record<string, string>; path?: string; legend?: string }) {
  return (
    <fieldset className="form-grid caps-fields">
      <legend>{legend}</legend>
      {(['hour', 'day', 'month', 'total'] as const).map((p) => (
        <TextField key={p} label={LABELS[p]} inputMode="numeric" placeholder="no cap" value={value[p]} error={errors[`${path}.${p}`]} onChange={(e) => onChange({ ...value, [p]: e.target.value })} />
      ))}
      <SelectField label="Count" value={value.countBy} error={errors[`${path}.countBy`]} onChange={(e) => onChange({ ...value, countBy: e.target.value as Caps['countBy'] })}>
        <option value="routed">routed calls</option>
        <option value="connected">connected calls</option>
        <option value="converted">converted calls</option>
      </SelectField>
    </fieldset>
  );
}
