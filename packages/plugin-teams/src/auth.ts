/**
 * Sign-in of the app registration with the client-credentials flow (calls.md §1.1) through
 * `@azure/msal-node`'s ConfidentialClientApplication: a client secret, or a certificate by
 * thumbprint with its private key. MSAL caches the token and renews it 5 minutes before it
 * expires; `token({ fresh: true })` skips the cache (a 401 from Graph mid-sync).
 *
 * Tests and sovereign deployments may name the token endpoint (option `tokenEndpoint`): the
 * authority is then a known authority with its metadata given (calls.md §1.7 recipe A), so
 * MSAL contacts nothing but that endpoint.
 */
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import { CLOUDS, graphScope, type Cloud } from './clouds.js';
import { TeamsError } from './errors.js';

export interface Credentials {
  tenantId: string;
  clientId: string;
  clientSecret?: string | undefined;
  certificate?: { thumbprint: string; privateKey: string } | undefined;
  cloud: Cloud;
}

export interface AuthOptions {
  plugin: string;
  authorityHost?: string | undefined;
  tokenEndpoint?: string | undefined;
}

export interface TokenSource {
  token(options?: { fresh?: boolean }): Promise<string>;
}

function configuration(c: Credentials, o: AuthOptions): Configuration {
  const host = (o.authorityHost ?? CLOUDS[c.cloud].authorityHost).replace(/\/+$/, '');
  const authority = o.tokenEndpoint ? `https://login.dialbook.invalid/${c.tenantId}` : `${host}/${c.tenantId}`;
  const credential = c.certificate
    ? { clientCertificate: { privateKey: c.certificate.privateKey, ...(c.certificate.thumbprint.length === 64 ? { thumbprintSha256: c.certificate.thumbprint.toLowerCase() } : { thumbprint: c.certificate.thumbprint.toLowerCase() }) } }
    : { clientSecret: c.clientSecret ?? '' };
  const pinned = o.tokenEndpoint
    ? (() => {
        const base = o.tokenEndpoint.replace(/\/token$/, '');
        return {
          knownAuthorities: ['login.dialbook.invalid'],
          authorityMetadata: JSON.stringify({ token_endpoint: o.tokenEndpoint, authorization_endpoint: `${base}/authorize`, end_session_endpoint: `${base}/logout`, issuer: `${authority}/v2.0`, jwks_uri: `${base}/keys` }),
        };
      })()
    : {};
  return {
    auth: { clientId: c.clientId, authority, ...credential, ...pinned },
    system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
  };
}

/** MSAL's or Entra ID's refusal in words a person can act on (never the secret). */
export function authError(err: unknown, c: Credentials, plugin: string): TeamsError {
  const e = err as { errorCode?: string; errorMessage?: string; message?: string; status?: number };
  const text = `${e.errorCode ?? ''} ${e.errorMessage ?? e.message ?? ''}`;
  const aad = /AADSTS(\d+)/.exec(text)?.[1];
  const via = c.certificate ? 'certificate' : 'client secret';
  let message: string;
  let field: string | undefined;
  if (aad === '7000215' || (!aad && /invalid_client/.test(text) && !c.certificate)) {
    message = 'Entra ID refused the client secret: check that it is the secret\'s value (not its id) and that it has not expired (App registration → Certificates & secrets)';
    field = 'clientSecret';
  } else if (aad === '7000222') {
    message = 'Entra ID refused the client secret: it has expired; add a new one under App registration → Certificates & secrets';
    field = 'clientSecret';
  } else if (aad === '700027' || aad === '700024' || (/invalid_client/.test(text) && c.certificate)) {
    message = 'Entra ID refused the certificate: check that it is uploaded to the app registration and that the thumbprint and private key belong to it';
    field = 'certificate';
  } else if (aad === '700016' || /unauthorized_client/.test(text)) {
    message = `Entra ID knows no application with client id ${c.clientId} in tenant ${c.tenantId}: check the client id, and that the app is registered (or consented) in that tenant`;
    field = 'clientId';
  } else if (aad === '90002' || aad === '900023' || /tenant.*not found/i.test(text)) {
    message = `Entra ID knows no tenant "${c.tenantId}": check the directory (tenant) id`;
    field = 'tenantId';
  } else if (/network|fetch failed|ECONNREFUSED|ENOTFOUND|timed? ?out/i.test(text)) {
    return new TeamsError('DIALBOOK_TEAMS_UNREACHABLE', `Entra ID could not be reached to sign in with the ${via}`, { cause: err, plugin });
  } else {
    message = `Entra ID refused to sign in with the ${via}${aad ? ` (AADSTS${aad})` : e.errorCode ? ` (${e.errorCode})` : ''}`;
  }
  return new TeamsError('DIALBOOK_TEAMS_AUTH', message, { cause: err, plugin, ...(field ? { field } : {}) });
}

/** MSAL renews a cached token this long before it expires; so does the token source's own memo. */
const RENEW_BEFORE_MS = 300_000;

/** A token source for one site's credentials. */
export function msalTokenSource(c: Credentials, o: AuthOptions): TokenSource {
  const app = new ConfidentialClientApplication(configuration(c, o));
  const scopes = [graphScope(c.cloud)];
  // The last token until MSAL itself would renew it (5 minutes before it expires): asking MSAL's
  // cache on every Graph request cost ~75 µs of CPU each (bench/teams.bench.ts).
  let last: { token: string; renewAt: number } | null = null;
  return {
    async token({ fresh = false } = {}) {
      if (!fresh && last && Date.now() < last.renewAt) return last.token;
      try {
        const r = await app.acquireTokenByClientCredential({ scopes, ...(fresh ? { skipCache: true } : {}) });
        if (!r?.accessToken) throw new Error('no access token in the answer');
        last = r.expiresOn ? { token: r.accessToken, renewAt: r.expiresOn.getTime() - RENEW_BEFORE_MS } : null;
        return r.accessToken;
      } catch (err) {
        throw authError(err, c, o.plugin);
      }
    },
  };
}
