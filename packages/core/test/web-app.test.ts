import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { acceptedEncodings, webAppHandler } from '../src/app/web-app.js';

// How core serves the admin app's built files (here: made-up dist folders), only where no route matched.
// packages/web/test/shell.e2e.test.ts covers the real build behind a real port.
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

const built = () => {
  const dir = mkdtempSync(join(tmpdir(), 'web-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  return dir;
};

test('a malformed percent escape in a static path is a 400 problem, not a 500; traversal stays 404', async () => {
  const app = appWith(built());
  for (const path of ['/%ff.js', '/assets/%ff.js', '/%.css', '/assets/%E0%A4%A.js', '/%c0%af.js']) {
    const res = await app.request(path);
    expect(res.status, path).toBe(400);
    expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe('DIALBOOK_HTTP_BAD_PATH');
    expect(body.detail).toContain('percent escape');
  }
  for (const path of ['/..%2f..%2fetc%2fpasswd.txt', '/assets/..%2f..%2f..%2fetc%2fhosts.txt', '/%2e%2e/%2e%2e/etc/passwd.txt', '/%00.js']) {
    expect((await app.request(path)).status, path).toBe(404);
  }
  // Pages without a file extension never decode the path: the app's index answers.
  expect((await app.request('/%ff')).status).toBe(200);
});

test('pre-compressed assets: brotli or gzip by Accept-Encoding, with Vary and Content-Encoding; identity otherwise', async () => {
  const dir = built();
  const js = `console.log(${JSON.stringify('dialbook '.repeat(500))});`;
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), js);
  writeFileSync(join(dir, 'assets', 'app-abc123.js.br'), brotliCompressSync(js));
  writeFileSync(join(dir, 'assets', 'app-abc123.js.gz'), gzipSync(js));
  writeFileSync(join(dir, 'assets', 'only-gzip.css'), 'body{color:red}');
  writeFileSync(join(dir, 'assets', 'only-gzip.css.gz'), gzipSync('body{color:red}'));
  writeFileSync(join(dir, 'assets', 'plain.svg'), '<svg/>');
  const app = appWith(dir);
  const get = (path: string, ae?: string) => app.request(path, ae === undefined ? {} : { headers: { 'accept-encoding': ae } });

  const br = await get('/assets/app-abc123.js', 'gzip, deflate, br, zstd');
  expect(br.status).toBe(200);
  expect(br.headers.get('content-encoding')).toBe('br');
  expect(br.headers.get('vary')).toBe('Accept-Encoding');
  expect(br.headers.get('content-type')).toContain('javascript');
  expect(br.headers.get('cache-control')).toContain('immutable');
  expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(js);

  const gz = await get('/assets/app-abc123.js', 'gzip');
  expect(gz.headers.get('content-encoding')).toBe('gzip');
  expect(gz.headers.get('vary')).toBe('Accept-Encoding');
  expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(js);
  expect(gz.headers.get('etag')).not.toBe(br.headers.get('etag'));
  // A cached copy of one encoding is revalidated per encoding.
  expect((await app.request('/assets/app-abc123.js', { headers: { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.get('etag')! } })).status).toBe(304);
  expect((await app.request('/assets/app-abc123.js', { headers: { 'accept-encoding': 'br', 'if-none-match': gz.headers.get('etag')! } })).status).toBe(200);

  for (const ae of [undefined, 'identity', 'br;q=0, gzip;q=0', 'deflate']) {
    const plain = await get('/assets/app-abc123.js', ae);
    expect(plain.headers.get('content-encoding'), String(ae)).toBeNull();
    expect(plain.headers.get('vary'), String(ae)).toBe('Accept-Encoding');
    expect(await plain.text()).toBe(js);
  }
  expect((await get('/assets/app-abc123.js', 'br;q=0, *')).headers.get('content-encoding')).toBe('gzip');
  expect((await get('/assets/only-gzip.css', 'br, gzip')).headers.get('content-encoding')).toBe('gzip');
  const svg = await get('/assets/plain.svg', 'br, gzip');
  expect(svg.headers.get('content-encoding')).toBeNull();
  expect(svg.headers.get('vary')).toBeNull();
  const head = await app.request('/assets/app-abc123.js', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
  expect(head.headers.get('content-encoding')).toBe('br');
  expect(await head.text()).toBe('');
});

test('acceptedEncodings reads q-values and the wildcard', () => {
  expect([...acceptedEncodings('gzip, deflate, br')]).toEqual(['br', 'gzip']);
  expect([...acceptedEncodings('br;q=0.5, gzip;q=1.0')]).toEqual(['br', 'gzip']);
  expect([...acceptedEncodings('br;q=0')]).toEqual([]);
  expect([...acceptedEncodings('*;q=0.1')]).toEqual(['br', 'gzip']);
  expect([...acceptedEncodings('x-gzip')]).toEqual(['gzip']);
  expect([...acceptedEncodings(undefined)]).toEqual([]);
});
