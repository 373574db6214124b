import { describe, expect, test } from 'vitest';
import { classifyAxlError } from './classify.js';

const ctx = { operation: 'listPhone', endpoint: 'cucm:8443', host: 'cucm', version: '14.0' };
const fault = (axlcode: string, axlmessage: string, key = 'axlError') => ({
  message: 'soapenv:Server',
  response: { status: 500 },
  root: { Envelope: { Body: { Fault: { faultcode: 'soapenv:Server', faultstring: axlmessage, detail: { [key]: { axlcode, axlmessage, request: 'listPhone' } } } } } },
});

describe('classifyAxlError', () => {
  test.each([
    [{ response: { status: 401 }, body: '<html>HTTP Status 401</html>' }, 'DIALBOOK_CUCM_AUTH'],
    [{ response: { status: 403 }, body: '<html>403</html>' }, 'DIALBOOK_CUCM_PERMISSION'],
    [{ response: { status: 599 }, body: 'Supported axl versions are 12.x' }, 'DIALBOOK_CUCM_VERSION'],
    [{ response: { status: 503 }, body: '' }, 'DIALBOOK_CUCM_THROTTLED'],
    [{ response: { status: 404 }, body: '' }, 'DIALBOOK_CUCM_PROTOCOL'],
    [fault('-1', 'Maximum AXL Memory Allocation Consumed. Please retry once requests in progress have completed'), 'DIALBOOK_CUCM_THROTTLED'],
    [fault('-1', 'Query request too large. Total rows matched: 2816 rows. Suggestive Row Fetch: less than 844 rows'), 'DIALBOOK_CUCM_TOO_LARGE'],
    [fault('5007', 'Item not valid: The specified SEP1 was not found'), 'DIALBOOK_CUCM_NOT_FOUND'],
    [fault('5007', 'Item not valid', 'ns2:axlError'), 'DIALBOOK_CUCM_NOT_FOUND'],
    [fault('5003', 'You do not have the privilege'), 'DIALBOOK_CUCM_PERMISSION'],
    [fault('-239', 'Could not insert new row - duplicate value'), 'DIALBOOK_CUCM_FAULT'],
    [Object.assign(new Error('getaddrinfo ENOTFOUND cucm'), { code: 'ENOTFOUND' }), 'DIALBOOK_CUCM_UNREACHABLE'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'DIALBOOK_CUCM_UNREACHABLE'],
    [Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'DIALBOOK_CUCM_TLS'],
    [Object.assign(new Error('no answer'), { code: 'DIALBOOK_TIMEOUT' }), 'DIALBOOK_CUCM_TIMEOUT'],
    [new Error('Cannot parse response'), 'DIALBOOK_CUCM_PROTOCOL'],
  ])('%# → %s', (err, code) => {
    const e = classifyAxlError(err, ctx);
    expect(e.code).toBe(code);
    expect(e.message.length).toBeGreaterThan(20);
    expect(e.plugin).toBe('cucm');
  });

  test('facts for the caller: retry hints, suggested rows, versions, Retry-After', () => {
    expect(classifyAxlError(fault('-1', 'Query request too large. Total rows matched: 2816 rows. Suggestive Row Fetch: less than 844 rows'), ctx).info).toMatchObject({ suggestedRows: 844, axlcode: -1 });
    expect(classifyAxlError({ response: { status: 503, headers: { 'retry-after': '12' } } }, ctx).info).toMatchObject({ retryable: true, retryAfterMs: 12_000 });
    expect(classifyAxlError({ response: { status: 599 }, body: '<p>Supported axl versions are 12.x, 14.0 and 15.0</p>' }, ctx).info.supportedVersions).toEqual(['15.0', '14.0', '12.x']);
    const auth = classifyAxlError({ response: { status: 401 }, body: '<html><head><style>x{}</style></head><body><h1>HTTP Status 401 – Unauthorized</h1></body></html>' }, { ...ctx, plugin: 'cucm-berlin' });
    expect(auth.info.detail).toBe('HTTP Status 401 – Unauthorized');
    expect(auth.plugin).toBe('cucm-berlin');
    expect(auth.status).toBe(502);
  });
});
