/**
 * Who is who in a Placetel call: which party is the site's (its `numbers`, the event's direction),
 * whether a number is anonymous or internal, and which Dialbook user a SIP peer is. Pure.
 */
import { normaliseNumber, type CallDirection } from '@dialbook/core';

export interface SiteParties {
  /** The site's Placetel numbers (E.164). */
  numbers: readonly string[];
  /** SIP peer → Dialbook user id or e-mail address. */
  peers: Readonly<Record<string, string>>;
  /** The site's country, for national numbers (`0221…`). */
  country: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A caller Placetel reports as withheld. */
export const isAnonymous = (n: string | null): boolean => !n || /^(anonymous|unknown|restricted|private)$/i.test(n.trim());

/** A SIP id (`7777abcdefg@fpbx.de`) or a short extension (`23`): a party inside the PBX. */
export const isInternal = (n: string | null): boolean => !!n && (n.includes('@') || /^\d{1,6}$/.test(n.trim()));

/** Whether `n` is one of the site's numbers, in whatever form it was written. */
export function isSiteNumber(n: string | null, parties: SiteParties): boolean {
  if (!n || !parties.numbers.length) return false;
  const e164 = normaliseNumber(n, parties.country).e164;
  return !!e164 && parties.numbers.includes(e164);
}

/** The Dialbook user id a SIP peer maps to (the runtime has already turned e-mail mappings into ids). */
export function userOfPeer(peer: string | null, parties: SiteParties): string | null {
  if (!peer) return null;
  const mapped = parties.peers[peer] ?? parties.peers[peer.toLowerCase()] ?? parties.peers[peer.split('@')[0]!];
  return mapped && UUID.test(mapped) ? mapped.toLowerCase() : null;
}

/** The call's direction: Placetel's own (`in`/`out`) first, else the site's numbers, else the event. */
export function directionOf(sent: 'in' | 'out' | null, from: string | null, to: string | null, parties: SiteParties, fallback: 'in' | 'out'): CallDirection {
  const dir = sent ?? (isSiteNumber(to, parties) ? 'in' : isSiteNumber(from, parties) ? 'out' : fallback);
  if (dir === 'out' && isInternal(to) && (isInternal(from) || isSiteNumber(from, parties) || !from)) return 'internal';
  return dir === 'in' ? 'inbound' : 'outbound';
}

/** Local and remote party of a call in a direction. */
export function partiesOf(direction: CallDirection, from: string | null, to: string | null): { local: string | null; remote: string | null } {
  if (direction === 'inbound') return { local: to, remote: isAnonymous(from) ? null : from };
  return { local: from, remote: to };
}
