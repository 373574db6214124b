/**
 * A routing client's trunk as PJSIP realtime rows (pure): one endpoint, one AOR with the client's
 * host as a static contact, and — when it has a username or password — one outbound auth. All three
 * carry the id `dialbook-<clientId>`, the mark of the rows the plugin owns.
 */
import type { RoutingTrunk } from '@dialbook/core';
import { endpointId } from '../routing/dial-string.js';

/** How the endpoints are written (from `ara.*` options). */
export interface EndpointDefaults {
  /** PJSIP transport object per SIP transport (defined in pjsip.conf by the admin). */
  transports: { udp: string; tcp: string; tls: string };
  /** Dialplan context for calls that come in from a client's trunk. */
  context: string;
  /** OPTIONS qualify interval of the AOR in seconds (0: off). */
  qualifyFrequency: number;
}

export type Row = Record<string, string | number | null>;

/** The rows of one trunk. */
export interface TrunkRows {
  endpoint: Row;
  aor: Row;
  /** Null when the trunk has neither username nor password. */
  auth: Row | null;
}

/** `sip:host:port[;transport=tcp|tls]`: where the AOR sends calls. */
export function contactUri(sip: RoutingTrunk['sip']): string {
  const host = sip.host.includes(':') && !sip.host.startsWith('[') ? `[${sip.host}]` : sip.host;
  const scheme = sip.transport === 'tls' ? 'sips' : 'sip';
  return `${scheme}:${host}:${sip.port}${sip.transport === 'udp' ? '' : `;transport=${sip.transport}`}`;
}

export function trunkRows(trunk: RoutingTrunk, defaults: EndpointDefaults): TrunkRows {
  const id = endpointId(trunk.clientId);
  const hasAuth = trunk.sip.username !== null || trunk.password !== null;
  return {
    endpoint: {
      id,
      transport: defaults.transports[trunk.sip.transport],
      aors: id,
      outbound_auth: hasAuth ? id : null,
      context: defaults.context,
      disallow: 'all',
      allow: trunk.sip.codecs.join(','),
      direct_media: 'no',
      dtmf_mode: 'rfc4733',
      rtp_symmetric: 'yes',
      force_rport: 'yes',
      rewrite_contact: 'yes',
      from_user: trunk.sip.username,
      from_domain: trunk.sip.host.length <= 40 ? trunk.sip.host : null,
      accountcode: trunk.clientId,
      set_var: `DIALBOOK_CLIENT=${trunk.clientId}`,
    },
    aor: { id, contact: contactUri(trunk.sip), qualify_frequency: defaults.qualifyFrequency, max_contacts: 1, remove_existing: 'yes' },
    auth: hasAuth ? { id, auth_type: 'userpass', username: trunk.sip.username, password: trunk.password, realm: null } : null,
  };
}
