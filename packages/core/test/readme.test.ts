import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestCore, type TestCore } from '@dialbook/core/testing';
import requireNumber from './fixtures/readme-plugin.js';

// The README's plugin example is this fixture verbatim: it is type-checked with the tests and run here.
const readme = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
const fixture = readFileSync(resolve(import.meta.dirname, 'fixtures/readme-plugin.ts'), 'utf8');

let core: TestCore;
beforeAll(async () => {
  core = await createTestCore({ plugins: { rules: requireNumber } });
});
afterAll(() => core?.close());

test('the README shows the fixture verbatim', () => {
  expect(readme).toContain(fixture);
});

test('the README plugin rejects a contact without a number, and its action runs', async () => {
  const res = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'X' } });
  expect(res.status).toBe(422);
  expect(((await res.json()) as { field: string }).field).toBe('phones');
  const ok = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'X', phones: [{ number: '030 1234567' }] } });
  expect(ok.status).toBe(201);
  const imported = await core.request('/api/v1/contacts', { method: 'POST', json: { siteId: core.site.id, firstName: 'Y', source: 'csv', externalId: '1' } });
  expect(imported.status).toBe(201);
  expect(await (await core.request('/api/v1/actions/rules.hello', { method: 'POST' })).json()).toEqual({ ok: true, message: 'hello from rules' });
});
