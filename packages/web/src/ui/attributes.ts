/**
 * Plugin attribute values as people read them. A secret attribute (a PIN) is never in the contact: its
 * attributes hold only a marker `{ secret: 'set', updatedAt }` at that path, shown as "•••••• (secret)".
 */
export interface SecretMarker {
  secret: 'set';
  updatedAt?: string;
}

export const MASK = '••••••';

export const isSecretMarker = (v: unknown): v is SecretMarker => !!v && typeof v === 'object' && !Array.isArray(v) && (v as { secret?: unknown }).secret === 'set';

/** An attribute value as text: "—" for none, the mask for a secret, JSON for other structures. */
export function showAttribute(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (isSecretMarker(v)) return `${MASK} (secret)`;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "5 minutes ago", "yesterday", "just now": how long ago `iso` was. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  if (Number.isNaN(ms)) return '';
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of units) if (Math.abs(ms) >= size) return format.format(Math.round(ms / size), unit);
  return 'just now';
}
