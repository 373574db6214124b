/**
 * Pure mapping from a routing client to what Asterisk dials: the PJSIP endpoint id the plugin
 * provisions for it and the Dial() resource for a DID. Tested directly (dial-string.test.ts).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { RoutingTrunk } from '@dialbook/core';

/** Prefix of every PJSIP object id the plugin owns (`dialbook-<clientId>`); rows without it are never touched. */
export const OWNED_PREFIX = 'dialbook-';

/** The PJSIP endpoint (and auth, AOR) id for a routing client. */
export const endpointId = (clientId: string): string => `${OWNED_PREFIX}${clientId}`;

/** The client id an owned PJSIP id stands for, or null for a row the plugin does not own. */
export const clientIdOf = (id: string): string | null => (id.startsWith(OWNED_PREFIX) && id.length > OWNED_PREFIX.length ? id.slice(OWNED_PREFIX.length) : null);

/**
 * The number the client's trunk receives for a call to `did` (the request-URI user): the DID in
 * the client's `numberFormat` — `e164` `+4930123456`, `digits` `4930123456`, `national`
 * `030123456` — with its `dialPrefix` in front. A DID that is not a number is sent as written
 * (only digits, `+`, `*` and `#` kept).
 */
export function dialNumber(sip: Pick<RoutingTrunk['sip'], 'dialPrefix' | 'numberFormat'>, did: string): string {
  const plain = did.replace(/[^0-9+*#]/g, '');
  const parsed = parsePhoneNumberFromString(plain.startsWith('+') ? plain : `+${plain}`);
  let number = plain;
  if (parsed?.isPossible()) {
    if (sip.numberFormat === 'e164') number = parsed.number;
    else if (sip.numberFormat === 'digits') number = parsed.number.slice(1);
    else number = parsed.formatNational().replace(/[^0-9]/g, '');
  } else if (sip.numberFormat !== 'e164') {
    number = plain.replace(/^\+/, '');
  }
  return `${sip.dialPrefix}${number}`;
}

/** The Dial() resource for a call to `did` on the client's trunk: `PJSIP/<number>@dialbook-<clientId>`. */
export const dialResource = (trunk: Pick<RoutingTrunk, 'clientId' | 'sip'>, did: string): string => `PJSIP/${dialNumber(trunk.sip, did)}@${endpointId(trunk.clientId)}`;
