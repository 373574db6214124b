/**
 * The parts of Graph's call-record resources (v1.0, `microsoft.graph.callRecords`) the plugin
 * reads, as documented (calls.md §1.3, §1.4, §6). Everything is optional: Graph omits nulls
 * (`Prefer: omit-values=nulls`) and the legacy `participants`/`organizer` come back empty after
 * 2026-06-30, so only `participants_v2` and `organizer_v2` are read.
 */
export interface GraphIdentity {
  id?: string | null;
  displayName?: string | null;
  tenantId?: string | null;
  userPrincipalName?: string | null;
}

/** communicationsIdentitySet: one of its keys is set. */
export interface IdentitySet {
  user?: GraphIdentity | null;
  guest?: GraphIdentity | null;
  phone?: GraphIdentity | null;
  application?: GraphIdentity | null;
  applicationInstance?: GraphIdentity | null;
  acsUser?: GraphIdentity | null;
  spoolUser?: GraphIdentity | null;
  azureCommunicationServicesUser?: GraphIdentity | null;
  encrypted?: GraphIdentity | null;
  onPremises?: GraphIdentity | null;
  device?: GraphIdentity | null;
  assertedIdentity?: GraphIdentity | null;
  endpointType?: string | null;
}

/** A participant (participants_v2[]) or the organizer (organizer_v2). */
export interface GraphParticipant {
  id?: string | null;
  identity?: IdentitySet | null;
}

export interface GraphEndpoint {
  '@odata.type'?: string;
  name?: string | null;
  associatedIdentity?: GraphIdentity | null;
  identity?: IdentitySet | null;
}

export interface GraphFailureInfo {
  stage?: string | null;
  reason?: string | null;
}

export interface GraphSegment {
  id?: string;
  startDateTime?: string | null;
  endDateTime?: string | null;
  caller?: GraphEndpoint | null;
  callee?: GraphEndpoint | null;
  failureInfo?: GraphFailureInfo | null;
  media?: { label?: string | null; streams?: unknown[] | null }[] | null;
}

export interface GraphSession {
  id?: string;
  modalities?: string[] | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  isTest?: boolean | null;
  failureInfo?: GraphFailureInfo | null;
  caller?: GraphEndpoint | null;
  callee?: GraphEndpoint | null;
  segments?: GraphSegment[] | null;
}

export interface GraphCallRecord {
  id: string;
  version?: number | null;
  type?: string | null;
  modalities?: string[] | null;
  lastModifiedDateTime?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  joinWebUrl?: string | null;
  organizer_v2?: GraphParticipant | null;
  participants_v2?: GraphParticipant[] | null;
  sessions?: GraphSession[] | null;
}

export interface DirectRoutingLogRow {
  id: string;
  correlationId?: string | null;
  userId?: string | null;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  startDateTime?: string | null;
  inviteDateTime?: string | null;
  failureDateTime?: string | null;
  endDateTime?: string | null;
  duration?: number | null;
  callType?: string | null;
  successfulCall?: boolean | null;
  callerNumber?: string | null;
  calleeNumber?: string | null;
  finalSipCode?: number | null;
  finalSipCodePhrase?: string | null;
  callEndSubReason?: number | null;
  trunkFullyQualifiedDomainName?: string | null;
}

export interface PstnCallLogRow {
  id: string;
  callId?: string | null;
  userId?: string | null;
  userPrincipalName?: string | null;
  userDisplayName?: string | null;
  startDateTime?: string | null;
  endDateTime?: string | null;
  duration?: number | null;
  callType?: string | null;
  calleeNumber?: string | null;
  callerNumber?: string | null;
  charge?: number | null;
  currency?: string | null;
}
