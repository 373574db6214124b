/**
 * Faults the CUCM double injects on demand, in the form real CUCM sends them (AXL Developer
 * Guide; research notes §4, §5 and errata): HTML pages for HTTP errors, SOAP faults with
 * `detail/axlError` for AXL errors, Axis-style `Server.RateControl` for RisPort.
 */

export type FaultKind =
  /** HTTP 401 with Tomcat's HTML error page. */
  | 'unauthorized'
  /** HTTP 403 with Tomcat's HTML error page. */
  | 'forbidden'
  /** HTTP 599 with Cisco's page naming the supported versions. */
  | 'version'
  /** HTTP 503 (the write throttle). */
  | 'busy'
  /** HTTP 500, axlcode -1 "Maximum AXL Memory Allocation Consumed…". */
  | 'memory'
  /** HTTP 500, axlcode -1 "Query request too large… Suggestive Row Fetch: less than N rows". */
  | 'too-large'
  /** HTTP 500, axlcode 5007 "Item not valid: … was not found". */
  | 'not-found'
  /** RisPort: HTTP 500, `Server.RateControl` "Exceeded allowed rate for Reatime information…". */
  | 'rate-control'
  /** Read the request and never answer (until the double closes). */
  | 'hang';

export interface FaultRule {
  /** The operation (`listPhone`, `selectCmDevice`, …) or `*` for any. */
  operation: string;
  kind: FaultKind;
  /** Requests still to fail. */
  remaining: number;
  /** For `too-large`: the N of "less than N rows". */
  rows?: number;
}

/** Faults that answer before the SOAP layer (an HTML page, no envelope). */
export const HTTP_FAULTS: ReadonlySet<FaultKind> = new Set(['unauthorized', 'forbidden', 'version', 'busy']);

export class FaultPlan {
  private rules: FaultRule[] = [];

  /** The next `times` requests of `operation` fail with `kind` (in the order injected). */
  inject(operation: string, kind: FaultKind, options: { times?: number; rows?: number } = {}): void {
    this.rules.push({ operation, kind, remaining: options.times ?? 1, ...(options.rows ? { rows: options.rows } : {}) });
  }

  /** The fault for this request, if one is due (and counts it down). */
  take(operation: string): FaultRule | null {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.operation === operation || r.operation === '*'));
    if (!rule) return null;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule;
  }

  clear(): void {
    this.rules = [];
  }
}

const tomcat = (status: number, title: string, description: string) =>
  `<!doctype html><html lang="en"><head><title>HTTP Status ${status} – ${title}</title><style type="text/css">body {font-family:Tahoma,Arial,sans-serif;}</style></head>` +
  `<body><h1>HTTP Status ${status} – ${title}</h1><hr class="line" /><p><b>Type</b> Status Report</p><p><b>Description</b> ${description}</p><hr class="line" /><h3>Cisco Systems, Inc.</h3></body></html>`;

export const html401 = () => tomcat(401, 'Unauthorized', 'The request has not been applied because it lacks valid authentication credentials for the target resource.');
export const html403 = () => tomcat(403, 'Forbidden', 'The server understood the request but refuses to authorize it.');
export const html404 = () => tomcat(404, 'Not Found', 'The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.');
export const html503 = () => tomcat(503, 'Service Unavailable', 'The server is currently unable to handle the request due to a temporary overload or scheduled maintenance.');

/** "11.x, 12.x and 14.0": majors with several versions collapse to N.x, as public captures show. */
export function versionList(versions: readonly string[]): string {
  const byMajor = new Map<string, string[]>();
  for (const v of versions) byMajor.set(v.split('.')[0]!, [...(byMajor.get(v.split('.')[0]!) ?? []), v]);
  const parts = [...byMajor].map(([major, vs]) => (vs.length > 1 ? `${major}.x` : vs[0]!));
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : (parts[0] ?? '');
}

/** Cisco's custom error page for a schema version the cluster does not offer. */
export const html599 = (versions: readonly string[]) =>
  `<html><head><title>Cisco Unified Communications Manager - Error</title></head><body><h2>Error 599</h2>` +
  `<p>Incorrect axl version. Supported axl versions are ${versionList(versions)}</p></body></html>`;

/** A SOAP fault object for node-soap's server (thrown from a handler), with CUCM's status 500. */
export function axlFault(request: string, axlcode: number, axlmessage: string): { Fault: Record<string, unknown> } {
  return { Fault: { statusCode: 500, faultcode: 'soapenv:Server', faultstring: axlmessage, detail: { axlError: { axlcode, axlmessage, request } } } };
}

export const memoryFault = (request: string) => axlFault(request, -1, 'Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed');

export const tooLargeFault = (request: string, total: number, rows: number) =>
  axlFault(request, -1, `Query request too large. Total rows matched: ${total} rows. Suggestive Row Fetch: less than ${rows} rows`);

export const rateControlFault = (perMinute: number, action: string) => ({
  Fault: {
    statusCode: 500,
    faultcode: 'ns1:Server.RateControl',
    faultstring: `AxisFault: Exceeded allowed rate for Reatime information. Current allowed rate for realtime information is ${perMinute} requests per minute.(SOAP Action: ${action})`,
  },
});
