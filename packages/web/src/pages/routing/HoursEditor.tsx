/**
 * The hours editor of clients and links: "always open" (hours null), or weekly blocks per weekday
 * (several a day: a lunch break) plus exception dates whose blocks replace that day's (none: closed
 * all day). Times are wall-clock `HH:MM` in the client's time zone, which the editor names.
 * The API checks the blocks (a block ends after it starts); its messages arrive as `errors` by field
 * path (`hours.weekly.2.to`) and are shown at the block.
 */
import type { Hours } from '../../api/routing';

/** The messages left once the hours change (theirs are stale): for `setErrors(dropHours)`. */
export const dropHours = (errors: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(errors).filter(([k]) => !k.startsWith('hours')));

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
type Block = { from: string; to: string };

export function HoursEditor({ value, onChange, timeZone, errors = {}, path = 'hours', label = 'Hours of operation' }: {
  value: Hours | null;
  onChange: (hours: Hours | null) => void;
  timeZone: string;
  errors?: Record<string, string>;
  path?: string;
  label?: string;
}) {
  const hours = value ?? { weekly: [], exceptions: [] };
  const set = (next: Hours) => onChange(next);
  const weekly = hours.weekly.map((b, index) => ({ ...b, index }));
  const errorAt = (p: string) => errors[`${path}.${p}.to`] ?? errors[`${path}.${p}.from`] ?? errors[`${path}.${p}`];
  return (
    <fieldset className="hours-editor">
      <legend>{label}</legend>
      <label className="check">
        <input type="checkbox" checked={value === null} onChange={(e) => onChange(e.target.checked ? null : { weekly: DAYS.slice(0, 5).map((_, i) => ({ day: i + 1, from: '09:00', to: '17:00' })), exceptions: [] })} />
        Always open
      </label>
      {value !== null && (
        <>
          <p className="muted small">Times in {timeZone} (the client's time zone); a block's end is exclusive, 24:00 is midnight.</p>
          <div className="hours-week">
            {DAYS.map((name, i) => {
              const day = i + 1;
              const blocks = weekly.filter((b) => b.day === day);
              return (
                <div key={day} className="hours-day" role="group" aria-label={name}>
                  <span className="hours-day-name">{name}</span>
                  <div className="hours-blocks">
                    {!blocks.length && <span className="muted">Closed</span>}
                    {blocks.map((b) => (
                      <BlockInputs
                        key={b.index}
                        label={`${name} block ${blocks.indexOf(b) + 1}`}
                        block={b}
                        error={errorAt(`weekly.${b.index}`)}
                        onChange={(nb) => set({ ...hours, weekly: hours.weekly.map((w, j) => (j === b.index ? { ...w, ...nb } : w)) })}
                        onRemove={() => set({ ...hours, weekly: hours.weekly.filter((_, j) => j !== b.index) })}
                      />
                    ))}
                    <button type="button" className="small-button" aria-label={`Add a block on ${name}`} onClick={() => set({ ...hours, weekly: [...hours.weekly, { day, from: '09:00', to: '17:00' }] })}>
                      + block
                    </button>
                  </div>
                </div>
              );
            })}
          </div>
          <h4>Exception dates</h4>
          {!hours.exceptions.length && <p className="muted small">None: every date follows the week.</p>}
          {hours.exceptions.map((ex, i) => (
            <div key={i} className="hours-day" role="group" aria-label={`Exception ${i + 1}`}>
              <input type="date" aria-label={`Date of exception ${i + 1}`} value={ex.date} onChange={(e) => set({ ...hours, exceptions: hours.exceptions.map((x, j) => (j === i ? { ...x, date: e.target.value } : x)) })} />
              <div className="hours-blocks">
                {!ex.blocks.length && <span className="muted">Closed all day</span>}
                {ex.blocks.map((b, k) => (
                  <BlockInputs
                    key={k}
                    label={`Exception ${i + 1} block ${k + 1}`}
                    block={b}
                    error={errorAt(`exceptions.${i}.blocks.${k}`)}
                    onChange={(nb) => set({ ...hours, exceptions: hours.exceptions.map((x, j) => (j === i ? { ...x, blocks: x.blocks.map((y, m) => (m === k ? nb : y)) } : x)) })}
                    onRemove={() => set({ ...hours, exceptions: hours.exceptions.map((x, j) => (j === i ? { ...x, blocks: x.blocks.filter((_, m) => m !== k) } : x)) })}
                  />
                ))}
                {errorAt(`exceptions.${i}.date`) && <small className="field-error" role="alert">{errorAt(`exceptions.${i}.date`)}</small>}
                <span>
                  <button type="button" className="small-button" onClick={() => set({ ...hours, exceptions: hours.exceptions.map((x, j) => (j === i ? { ...x, blocks: [...x.blocks, { from: '09:00', to: '13:00' }] } : x)) })}>
                    + block
                  </button>{' '}
                  <button type="button" className="small-button" aria-label={`Remove exception ${i + 1}`} onClick={() => set({ ...hours, exceptions: hours.exceptions.filter((_, j) => j !== i) })}>
                    Remove date
                  </button>
                </span>
              </div>
            </div>
          ))}
          <button type="button" className="small-button" onClick={() => set({ ...hours, exceptions: [...hours.exceptions, { date: new Date().toISOString().slice(0, 10), blocks: [] }] })}>
            Add an exception date
          </button>
        </>
      )}
    </fieldset>
  );
}

function BlockInputs({ label, block, error, onChange, onRemove }: { label: string; block: Block; error?: string | undefined; onChange: (b: Block) => void; onRemove: () => void }) {
  return (
    <span className={`hours-block${error ? ' invalid' : ''}`}>
      <input type="text" inputMode="numeric" size={5} placeholder="HH:MM" aria-label={`${label} from`} value={block.from} onChange={(e) => onChange({ ...block, from: e.target.value })} aria-invalid={!!error} />
      –
      <input type="text" inputMode="numeric" size={5} aria-label={`${label} to`} value={block.to} placeholder="HH:MM" onChange={(e) => onChange({ ...block, to: e.target.value })} aria-invalid={!!error} />
      <button type="button" className="link" aria-label={`Remove ${label}`} onClick={onRemove}>
        ×
      </button>
      {error && (
        <small className="field-error" role="alert">
          {error}
        </small>
      )}
    </span>
  );
}
