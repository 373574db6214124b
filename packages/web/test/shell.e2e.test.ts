/**
 * The app as a whole: the real build served by core behind a real port (index and client routes, hashed assets
 * pre-compressed, the API first), and in Chromium on a tablet the side navigation folded into a menu.
 * (How core serves made-up builds in detail: packages/core/test/web-app.test.ts.)
 */
import { expect, test } from 'vitest';
import { browserSuite, LAPTOP, TABLET } from './support/app.js';

browserSuite('the app shell', {}, (app) => {
  test('the core serves the app at / and client routes, with the API first', async () => {
    const { base } = app;
    const index = await fetch(`${base}/contacts?x=1`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(base + asset);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    // The build wrote brotli and gzip copies; the best one the client accepts is sent.
    expect(js.headers.get('vary')).toBe('Accept-Encoding');
    expect((await fetch(base + asset, { headers: { 'accept-encoding': 'gzip, deflate, br' } })).headers.get('content-encoding')).toBe('br');
    expect((await fetch(base + asset, { headers: { 'accept-encoding': 'gzip' } })).headers.get('content-encoding')).toBe('gzip');
    expect((await fetch(`${base}/assets/%ff.js`)).status).toBe(400);
    expect((await fetch(`${base}/api/v1/nope`)).headers.get('content-type')).toContain('problem+json');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  test('on a tablet the navigation folds into a menu', async () => {
    const res = await app.core.request('/api/v1/contacts', { method: 'POST', json: { siteId: app.core.site.id, firstName: 'Jürgen', lastName: 'Schäfer', department: 'Management' } });
    expect(res.status).toBe(201);
    const { page } = await app.signIn({ viewport: TABLET });
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phonebooks' }).click();
    await page.getByRole('heading', { name: 'Phonebooks' }).waitFor();
    await page.goto(`${app.base}/contacts`);
    await page.getByRole('link', { name: 'Schäfer, Jürgen' }).waitFor();
    await app.shot(page, 'tablet-contacts');
    // Wider again, the navigation is back at the side.
    await page.setViewportSize(LAPTOP);
    await expect.poll(() => page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
  });
});
