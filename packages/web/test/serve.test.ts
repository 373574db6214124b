import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { webAppHandler } from '../../core/src/http/web-app.js';

// How core answers for the app where no route matched (the e2e test covers the real build behind a real port).
const appWith = (dir: string | null) => {
  const app = new Hono();
  const web = webAppHandler(dir);
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.notFound(async (c) => (await web(c)) ?? c.json({ code: 'DIALBOOK_HTTP_NOT_FOUND' }, 404));
  return app;
};

test('not built: pages answer 503 saying how to build; API paths stay 404', async () => {
  const app = appWith(mkdtempSync(join(tmpdir(), 'web-empty-')));
  const res = await app.request('/signup?token=x');
  expect(res.status).toBe(503);
  expect(((await res.json()) as { code: string; detail: string }).detail).toContain('npm run build');
  expect((await app.request('/api/v1/nope')).status).toBe(404);
  expect((await app.request('/directory/x/yealink')).status).toBe(404);
});

test('built: client routes get index.html (no-cache, ETag, 304), assets a year, traversal and missing files 404', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'web-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
  const app = appWith(dir);
  const page = await app.request('/reset-password?token=abc');
  expect(page.status).toBe(200);
  expect(page.headers.get('cache-control')).toBe('no-cache');
  expect(await page.text()).toContain('<title>x</title>');
  expect((await app.request('/contacts', { headers: { 'if-none-match': page.headers.get('etag')! } })).status).toBe(304);
  const asset = await app.request('/assets/app-abc123.js');
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(asset.headers.get('content-type')).toContain('javascript');
  expect((await app.request('/assets/missing.js')).status).toBe(404);
  expect((await app.request('/..%2f..%2fetc%2fpasswd.txt')).status).toBe(404);
  expect((await app.request('/healthz')).status).toBe(200);
  expect((await app.request('/contacts', { method: 'POST' })).status).toBe(404);
});

test('package not installed: nothing is served', async () => {
  expect((await appWith(null).request('/')).status).toBe(404);
});
