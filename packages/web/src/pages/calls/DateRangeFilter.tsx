/**
 * The date range of the call filters: a button opening a popover (Radix) with a two-month calendar
 * (react-day-picker, range mode) and From/To date fields for the keyboard. Whole local days: `start` is the
 * first day's midnight, `end` (exclusive) the midnight after the last day, both ISO as the API takes them.
 */
import * as Popover from '@radix-ui/react-popover';
import { CalendarDays } from 'lucide-react';
import { useState } from 'react';
import { DayPicker, type DateRange } from 'react-day-picker';
import 'react-day-picker/style.css';

const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
/** A Date → `YYYY-MM-DD` of its local day. */
export const dayValue = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** `YYYY-MM-DD` → local midnight of that day (undefined when unreadable). */
const parseDay = (v: string): Date | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const nextMidnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);

/** The URL's `start`/`end` as the days they cover (the last day is the one before `end`). */
export function rangeOf(start: string | undefined, end: string | undefined): DateRange | undefined {
  const from = start ? new Date(start) : undefined;
  const last = end ? new Date(Date.parse(end) - 1) : undefined;
  if (from && Number.isNaN(from.getTime())) return undefined;
  if (!from && !last) return undefined;
  return { from: from ?? last, to: last && !Number.isNaN(last.getTime()) ? last : undefined };
}

export function DateRangeFilter({ start, end, onChange }: { start: string | undefined; end: string | undefined; onChange: (next: { start: string | null; end: string | null }) => void }) {
  const [open, setOpen] = useState(false);
  const current = rangeOf(start, end);
  const [draft, setDraft] = useState<DateRange | undefined>(current);
  /** Without a range the calendar shows last month and this one (one month on a phone), where calls are. */
  const [narrow, setNarrow] = useState(false);
  const firstMonth = (r: DateRange | undefined, one: boolean) => r?.from ?? (one ? new Date() : new Date(Date.now() - 30 * DAY));
  const [month, setMonth] = useState<Date>(() => firstMonth(current, false));
  const label = current?.from ? (current.to && dayValue(current.to) !== dayValue(current.from) ? `${current.from.toLocaleDateString()} – ${current.to.toLocaleDateString()}` : current.from.toLocaleDateString()) : 'All dates';
  const openChange = (next: boolean) => {
    if (next) {
      const one = window.matchMedia('(max-width: 600px)').matches;
      setNarrow(one);
      setDraft(current);
      setMonth(firstMonth(current, one));
    }
    setOpen(next);
  };
  const apply = () => {
    const from = draft?.from;
    const to = draft?.to ?? draft?.from;
    onChange(from && to ? { start: from.toISOString(), end: nextMidnight(to).toISOString() } : { start: null, end: null });
    setOpen(false);
  };
  const setField = (which: 'from' | 'to', value: string) => {
    const d = parseDay(value);
    setDraft((r) => ({ from: which === 'from' ? d : r?.from, to: which === 'to' ? d : r?.to }) as DateRange);
    if (d) setMonth(d);
  };
  const invalid = !!(draft?.from && draft.to && draft.to < draft.from);
  return (
    <Popover.Root open={open} onOpenChange={openChange}>
      <div className="date-range-field">
        <span className="filter-label" id="calls-dates-label">
          Dates
        </span>
        <Popover.Trigger asChild>
          <button type="button" className="date-range-button" aria-labelledby="calls-dates-label calls-dates-value">
            <CalendarDays size={16} aria-hidden="true" /> <span id="calls-dates-value">{label}</span>
          </button>
        </Popover.Trigger>
      </div>
      <Popover.Portal>
        <Popover.Content className="popover date-range" align="start" sideOffset={4} aria-label="Choose dates">
          <DayPicker mode="range" numberOfMonths={narrow ? 1 : 2} selected={draft} onSelect={setDraft} month={month} onMonthChange={setMonth} weekStartsOn={1} />
          <div className="row">
            <label className="field">
              From
              <input type="date" value={draft?.from ? dayValue(draft.from) : ''} onChange={(e) => setField('from', e.target.value)} />
            </label>
            <label className="field">
              To
              <input type="date" value={draft?.to ? dayValue(draft.to) : ''} onChange={(e) => setField('to', e.target.value)} aria-invalid={invalid} />
            </label>
          </div>
          {invalid && <p className="field-error">The last day must not be before the first.</p>}
          <div className="dialog-actions">
            <button type="button" className="link" onClick={() => (onChange({ start: null, end: null }), setOpen(false))}>
              All dates
            </button>
            <button type="button" className="primary" onClick={apply} disabled={invalid}>
              Apply
            </button>
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
