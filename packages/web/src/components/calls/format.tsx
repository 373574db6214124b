/** How a call reads: direction icon and status, the parties, the duration, the sources. */
import { ArrowLeftRight, Cloud, Hand, PhoneForwarded, PhoneIncoming, PhoneMissed, PhoneOutgoing, Plug, Server, Smartphone, Video, type LucideIcon } from 'lucide-react';
import type { Call, CallDirection, CallSourceInfo, CallStatus } from '../../api/calls';
import { Link } from '../../router';

export const DIRECTION_LABELS: Record<CallDirection, string> = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' };
export const STATUS_LABELS: Record<CallStatus, string> = {
  ringing: 'Ringing',
  in_progress: 'In progress',
  answered: 'Answered',
  missed: 'Missed',
  busy: 'Busy',
  failed: 'Failed',
  voicemail: 'Voicemail',
  blocked: 'Blocked',
  canceled: 'Canceled',
};
const STATUS_CLASS: Partial<Record<CallStatus, string>> = { answered: 'ok', missed: 'bad', busy: 'warn', failed: 'bad', blocked: 'warn', voicemail: 'warn' };

/** The direction as an icon (its name for screen readers), and the status as a badge. */
export function DirectionStatus({ call }: { call: Pick<Call, 'direction' | 'status'> }) {
  const missed = call.direction === 'inbound' && call.status !== 'answered' && call.status !== 'in_progress' && call.status !== 'ringing';
  const Icon = call.direction === 'outbound' ? PhoneOutgoing : call.direction === 'internal' ? ArrowLeftRight : missed ? PhoneMissed : PhoneIncoming;
  return (
    <span className="call-dir">
      <Icon size={16} aria-label={DIRECTION_LABELS[call.direction]} role="img" className={`dir-${call.direction}${missed ? ' missed' : ''}`} />
      <span className={`badge ${STATUS_CLASS[call.status] ?? ''}`}>{STATUS_LABELS[call.status]}</span>
    </span>
  );
}

/** `754` → `12:34`, `3725` → `1:02:05`; null → `—`. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** The remote party: the contact (linked), else the name the source sent, with the number. */
export function RemoteParty({ call }: { call: Call }) {
  const number = call.remote.number ?? call.remote.e164;
  return (
    <>
      {call.contactId ? <Link to={`/contacts/${call.contactId}`}>{call.displayName ?? number ?? 'Contact'}</Link> : <span>{call.displayName ?? call.remote.name ?? number ?? 'Unknown'}</span>}
      {number && (call.displayName || call.contactId) && <div className="muted small">{number}</div>}
    </>
  );
}

/** The local side: extension and number, and the Dialbook user when known. */
export function LocalParty({ call, userName }: { call: Call; userName: (id: string | null) => string | null }) {
  const line = [call.local.extension && `ext. ${call.local.extension}`, call.local.number].filter(Boolean).join(' · ');
  const user = userName(call.userId);
  return (
    <>
      {user && <div>{user}</div>}
      {line ? <div className={user ? 'muted small' : ''}>{line}</div> : !user && <span className="muted">—</span>}
    </>
  );
}

/** The icon of a source, by its id or its plugin instance (`teams`, `placetel`, `asterisk`, …); a plug for any other. */
function sourceIcon(id: string, plugin: string | null | undefined): LucideIcon {
  if (id === 'manual') return Hand;
  if (id === 'phone_import') return Smartphone;
  if (id === 'routing') return PhoneForwarded;
  const name = `${plugin ?? ''} ${id}`.toLowerCase();
  if (name.includes('teams')) return Video;
  if (name.includes('placetel')) return Cloud;
  if (name.includes('asterisk') || name.includes('cucm') || name.includes('pbx')) return Server;
  return Plug;
}

/** One source with its icon: a hand for calls entered by hand, a phone for an imported call history, the vendor's for a plugin's. */
export function SourceName({ id, sources }: { id: string; sources: CallSourceInfo[] | undefined }) {
  const info = sources?.find((s) => s.id === id);
  const label = info?.label ?? (id === 'manual' ? 'Manual' : id);
  const Icon = sourceIcon(id, info?.plugin);
  return (
    <span className="call-source" title={id}>
      <Icon size={14} aria-hidden="true" /> {label}
    </span>
  );
}

/** A call's sources: all of its conversation's when it is linked with records of other sources. */
export function CallSources({ call, sources }: { call: Call; sources: CallSourceInfo[] | undefined }) {
  const ids = call.sources.length ? call.sources : [call.source];
  return (
    <span className="call-sources">
      {ids.map((id) => (
        <SourceName key={id} id={id} sources={sources} />
      ))}
    </span>
  );
}

/** A call's start in local time: date, then time. */
export function Started({ iso }: { iso: string }) {
  const d = new Date(iso);
  return (
    <time dateTime={iso} title={iso}>
      {d.toLocaleDateString()} <span className="muted">{d.toLocaleTimeString()}</span>
    </time>
  );
}

/** ISO time → the value of a `datetime-local` input (local time, seconds). */
export const toLocalInput = (iso: string | null | undefined): string => {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
/** A `datetime-local` value (local time) → ISO with `Z`; '' → null; unreadable → undefined. */
export const fromLocalInput = (value: string): string | null | undefined => {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};
