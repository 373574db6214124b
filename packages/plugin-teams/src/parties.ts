/**
 * Who a Graph identity is: a user of the tenant, someone outside it (a guest, a federated or ACS
 * user), a phone number, or an application (a bot, an auto attendant or call queue). Pure.
 */
import type { GraphEndpoint, GraphParticipant, IdentitySet } from './graph-types.js';

export type PartyKind = 'user' | 'external' | 'phone' | 'app' | 'unknown';

export interface Party {
  kind: PartyKind;
  /** Entra object id (users), the phone number as written (phones), the app id. */
  id: string | null;
  name: string | null;
  upn: string | null;
  /** The number exactly as Graph wrote it (E.164, or masked such as +12345678***). */
  number: string | null;
}

const s = (v: string | null | undefined) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** The identity set's party; `tenantId`: users of other tenants are external. */
export function partyOf(set: IdentitySet | null | undefined, tenantId?: string | null, participantId?: string | null): Party {
  if (!set) return { kind: 'unknown', id: s(participantId), name: null, upn: null, number: null };
  if (set.phone) return { kind: 'phone', id: s(set.phone.id), name: s(set.phone.displayName), upn: null, number: s(set.phone.id) ?? s(participantId) };
  if (set.user) {
    const other = tenantId && set.user.tenantId && set.user.tenantId.toLowerCase() !== tenantId.toLowerCase();
    return { kind: other ? 'external' : 'user', id: s(set.user.id), name: s(set.user.displayName), upn: s(set.user.userPrincipalName), number: null };
  }
  const app = set.applicationInstance ?? set.application;
  if (app) return { kind: 'app', id: s(app.id), name: s(app.displayName), upn: null, number: null };
  const ext = set.guest ?? set.acsUser ?? set.spoolUser ?? set.azureCommunicationServicesUser ?? set.encrypted ?? set.onPremises;
  if (ext) return { kind: 'external', id: s(ext.id), name: s(ext.displayName), upn: s(ext.userPrincipalName), number: null };
  return { kind: 'unknown', id: s(participantId), name: null, upn: null, number: null };
}

export const participantParty = (p: GraphParticipant | null | undefined, tenantId?: string | null): Party => partyOf(p?.identity, tenantId, p?.id);

/** An endpoint of a session: `associatedIdentity` first, then the deprecated `identity` (calls.md §1.3). */
export function endpointParty(e: GraphEndpoint | null | undefined, tenantId?: string | null): Party | null {
  if (!e) return null;
  const a = e.associatedIdentity;
  if (a && (a.id || a.userPrincipalName)) {
    const other = tenantId && a.tenantId && a.tenantId.toLowerCase() !== tenantId.toLowerCase();
    return { kind: other ? 'external' : 'user', id: s(a.id), name: s(a.displayName), upn: s(a.userPrincipalName), number: null };
  }
  return e.identity ? partyOf(e.identity, tenantId) : null;
}

/** Same party? By id, else by UPN, else by number. */
export const sameParty = (a: Party, b: Party): boolean =>
  (!!a.id && !!b.id && a.id.toLowerCase() === b.id.toLowerCase()) || (!!a.upn && !!b.upn && a.upn.toLowerCase() === b.upn.toLowerCase()) || (!!a.number && a.number === b.number);
