/**
 * Phones as the rows the plugin's routes answer: flat fields the admin app's generic view renders
 * without CUCM-specific code (text, code, a list of line strings, a status badge, a datetime).
 * Pure.
 *
 * @example
 * lineText({ dn: '1001', partition: 'PT_Internal', label: 'John Doe' }) // '1001 (PT_Internal) John Doe'
 * statusBadge({ status: 'Registered', … })                            // { label: 'Registered', tone: 'good' }
 */
import type { OwnedPhone, Phone, PhoneSummary } from './axl/types.js';
import type { Registration, RegistrationStatus } from './risport/mapping.js';

export type Tone = 'good' | 'warn' | 'bad' | 'neutral';
export interface Badge {
  label: string;
  tone: Tone;
}

/** One phone, flat. */
export interface PhoneRow {
  name: string;
  mac: string | null;
  model: string | null;
  description: string | null;
  owner: string | null;
  devicePool: string | null;
  /** `DN (partition) label` per line, in button order. */
  lines: string[];
  /** Registration state from RisPort70; null when RisPort is turned off. */
  status: Badge | null;
  ip: string | null;
  /** The firmware (active load) the phone runs. */
  firmware: string | null;
  /** When CUCM last saw its state change (ISO 8601). */
  lastSeen: string | null;
  /** How it belongs to the user asked for: `owner`, `associated` (phones of a user or contact). */
  link?: string;
}

/** What is known of a phone's registration: RisPort's entry, nothing (never registered lately), or why it is unknown. */
export type RegistrationState = { kind: 'off' } | { kind: 'unavailable'; reason: string } | { kind: 'known'; devices: ReadonlyMap<string, Registration> };

const TONES: Record<RegistrationStatus, Tone> = { Registered: 'good', PartiallyRegistered: 'warn', UnRegistered: 'warn', Rejected: 'bad', Unknown: 'neutral' };
const LABELS: Record<RegistrationStatus, string> = { Registered: 'Registered', PartiallyRegistered: 'Partially registered', UnRegistered: 'Unregistered', Rejected: 'Rejected', Unknown: 'Unknown' };

export function lineText(l: { dn: string | null; partition?: string | null; label?: string | null }): string {
  return [l.dn ?? '(no DN)', l.partition ? `(${l.partition})` : null, l.label || null].filter(Boolean).join(' ');
}

export function statusBadge(reg: Registration | undefined): Badge {
  if (!reg) return { label: 'Not registered', tone: 'neutral' };
  return { label: LABELS[reg.status] ?? reg.status, tone: TONES[reg.status] ?? 'neutral' };
}

function registrationFields(name: string, state: RegistrationState): Pick<PhoneRow, 'status' | 'ip' | 'firmware' | 'lastSeen'> {
  if (state.kind === 'off') return { status: null, ip: null, firmware: null, lastSeen: null };
  if (state.kind === 'unavailable') return { status: { label: 'Status unavailable', tone: 'neutral' }, ip: null, firmware: null, lastSeen: null };
  const reg = state.devices.get(name.toUpperCase());
  return { status: statusBadge(reg), ip: reg?.ip ?? null, firmware: reg?.activeLoad ?? null, lastSeen: reg?.lastSeen?.toISOString() ?? null };
}

/** A phone of getPhone (with lines) or listPhone (without), with its registration. */
export function phoneRow(p: Phone | PhoneSummary, state: RegistrationState, lines?: Phone['lines']): PhoneRow {
  const own = 'lines' in p ? p.lines : (lines ?? []);
  return {
    name: p.name,
    mac: p.mac,
    model: p.model,
    description: p.description,
    owner: p.owner,
    devicePool: p.devicePool,
    lines: own.filter((l) => l.dn).map(lineText),
    ...registrationFields(p.name, state),
  };
}

/** A phone of a user (owned and/or associated), with its registration; `owner` is the user when they own it. */
export function ownedPhoneRow(p: OwnedPhone, userId: string, state: RegistrationState, detail?: Pick<Phone, 'devicePool' | 'owner'> | null): PhoneRow {
  return {
    name: p.name,
    mac: p.mac,
    model: p.model,
    description: p.description,
    owner: detail?.owner ?? (p.links.includes('owner') ? userId : null),
    devicePool: detail?.devicePool ?? null,
    lines: p.lines.map(lineText),
    ...registrationFields(p.name, state),
    link: p.links.join(', '),
  };
}

/** A user-typed search term as a LIKE pattern: as typed when it has a `%`, else `%term%`. */
export function likePattern(term: string): string {
  const t = term.trim();
  return t.includes('%') ? t : `%${t}%`;
}
