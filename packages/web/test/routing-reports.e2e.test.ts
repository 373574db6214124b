/**
 * Chromium, the routing Reports page (issue 15 items 9 and 11). Routed calls come in as an engine's CDRs
 * (`POST /api/internal/log_call` with an engine token) for two sellers. Seller A sees only their calls and
 * figures; a filter changes the rows and the URL; Export CSV downloads a CSV with a BOM whose rows match the
 * filtered list; Load more appends the next keyset page; an administrator sees both sellers and filters by seller;
 * a date the API refuses shows at the filters; the page with calls fits a 390 px phone.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { beforeAll, expect, test } from 'vitest';
import { systemActor } from '@dialbook/core';
import type { Page } from 'playwright-core';
import { browserSuite, PHONE } from './support/app.js';

browserSuite('routing reports', { config: { defaultCountry: 'US' } }, (app) => {
  const ids: Record<string, string> = {};
  const sellers: Record<'a' | 'b', { id: string; email: string; password: string }> = {} as never;
  const post = async (path: string, json: unknown) => {
    const res = await app.core.request(`/api/v1${path}`, { method: 'POST', json });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    for (const [key, firstName] of [['a', 'Anna'], ['b', 'Bruno']] as const) {
      const email = `seller-${key}-${randomUUID().slice(0, 6)}@example.test`;
      const password = `seller-${key}-password-123`;
      const { user, signupLink } = await app.core.dialbook.accounts.createUser({ email, firstName, lastName: 'Seller', role: 'user', siteIds: [] }, systemActor);
      await app.core.dialbook.accounts.completeSignup(new URL(signupLink).searchParams.get('token')!, password);
      sellers[key] = { id: user.id, email, password };
    }
    ids.solar = await post('/routing/campaigns', { name: 'A Solar', ownerId: sellers.a.id });
    ids.roofing = await post('/routing/campaigns', { name: 'A Roofing', ownerId: sellers.a.id });
    ids.insurance = await post('/routing/campaigns', { name: 'B Insurance', ownerId: sellers.b.id });
    await post('/routing/dids', { number: '+12125550301', campaignId: ids.solar, ownerId: sellers.a.id });
    await post('/routing/dids', { number: '+12125550302', campaignId: ids.roofing, ownerId: sellers.a.id });
    await post('/routing/dids', { number: '+12125550401', campaignId: ids.insurance, ownerId: sellers.b.id });
    for (const name of ['Xenon Buyer', 'Yew Buyer', 'Zinc Buyer']) ids[name] = await post('/routing/clients', { name, sip: { host: 'sip.example' } });
    for (const [campaignId, client] of [[ids.solar, 'Xenon Buyer'], [ids.solar, 'Yew Buyer'], [ids.roofing, 'Xenon Buyer'], [ids.insurance, 'Zinc Buyer']] as const) await post('/routing/links', { campaignId, clientId: ids[client], minTalkSeconds: 60 });
    const token = (await app.core.dialbook.credentials.createEngineToken(`e2e-${randomUUID().slice(0, 8)}`, systemActor)).secret;
    const cdr = async (did: string, client: string, startedAt: string, status: string, talkSeconds: number) => {
      const endedAt = new Date(Date.parse(startedAt) + (talkSeconds + 10) * 1000).toISOString();
      const body = { callId: randomUUID(), did, caller: '+14155550100', clientId: ids[client], status, talkSeconds, startedAt, endedAt };
      const res = await app.core.app.request('/api/internal/log_call', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    // Seller A: 4 calls, 2 connected (120 s converted, 30 s), average talk 75 s. Seller B: 1 converted call.
    await cdr('+12125550301', 'Xenon Buyer', '2026-03-09T10:00:00Z', 'completed', 120);
    await cdr('+12125550301', 'Xenon Buyer', '2026-03-09T11:00:00Z', 'completed', 30);
    await cdr('+12125550301', 'Yew Buyer', '2026-03-09T12:00:00Z', 'no_answer', 0);
    await cdr('+12125550302', 'Xenon Buyer', '2026-03-10T09:00:00Z', 'busy', 0);
    await cdr('+12125550401', 'Zinc Buyer', '2026-03-09T10:30:00Z', 'completed', 300);
  });

  /** Signs a seeded seller in through the form. */
  const signInAs = async (who: { email: string; password: string }) => {
    const { page } = await app.newPage();
    await page.goto(`${app.base}/contacts`);
    await page.getByLabel('E-mail').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    return page;
  };
  const rows = (page: Page) => page.getByRole('table', { name: 'Routed calls' }).locator('tbody tr');
  const tiles = (page: Page) => page.getByLabel('Totals').getByRole('definition');

  test('seller A sees only their calls and figures; a filter changes rows and URL; the CSV matches', async () => {
    const page = await signInAs(sellers.a);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await expect.poll(() => rows(page).count()).toBe(4);
    await expect.poll(() => tiles(page).allTextContents()).toEqual(['4', '50 %', '1', '1:15']);
    expect(await page.getByRole('table', { name: 'Routed calls' }).textContent()).not.toContain('B Insurance');
    const perCampaign = page.getByRole('table', { name: 'Per campaign' });
    expect(await perCampaign.locator('tbody tr').first().textContent()).toContain('A Solar');
    expect(await perCampaign.textContent()).not.toContain('B Insurance');
    expect(await page.getByRole('table', { name: 'Per client' }).textContent()).not.toContain('Zinc Buyer');
    expect(await page.getByLabel('Seller').count()).toBe(0);
    await app.shot(page, 'routing-reports-seller');

    await page.getByRole('form', { name: 'Report filters' }).getByLabel('Campaign').selectOption({ label: 'A Roofing' });
    await page.waitForURL((u) => u.searchParams.get('campaignId') === ids.roofing);
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain('+12125550302');
    await expect.poll(() => tiles(page).allTextContents()).toEqual(['1', '0 %', '0', '0:00']);
    await page.getByRole('form', { name: 'Report filters' }).getByLabel('Outcome').selectOption({ label: 'Busy' });
    await page.waitForURL((u) => u.searchParams.get('outcome') === 'busy' && u.searchParams.get('campaignId') === ids.roofing);
    await expect.poll(() => rows(page).count()).toBe(1);

    const csvLink = page.getByRole('link', { name: 'Export CSV' });
    const href = new URL((await csvLink.getAttribute('href'))!, app.base);
    expect(href.pathname).toBe('/api/v1/routing/reports/calls/export');
    expect(href.searchParams.get('campaignId')).toBe(ids.roofing);
    expect(href.searchParams.get('outcome')).toBe('busy');
    const [csv] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    expect(csv.suggestedFilename()).toMatch(/^routed-calls-.*\.csv$/);
    const text = await readFile((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('call id,started,answered,ended,seller id,campaign,DID,caller,client,outcome,status,talk seconds,converted');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${sellers.a.id},A Roofing,+12125550302,+14155550100,Xenon Buyer,busy,busy`);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL((u) => !u.searchParams.has('campaignId') && !u.searchParams.has('outcome'));
    await expect.poll(() => rows(page).count()).toBe(4);

    // Keyset pages: two at a time, Load more appends the next two (newest first throughout).
    await page.goto(`${app.base}/routing/reports?limit=2`);
    await expect.poll(() => rows(page).count()).toBe(2);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows(page).count()).toBe(4);
    expect((await rows(page).locator('td:nth-child(3)').allTextContents())).toEqual(['+12125550302', '+12125550301', '+12125550301', '+12125550301']);
    await page.getByText('4 calls shown · all of them').waitFor();
  });

  test('an administrator sees both sellers and filters by seller', async () => {
    const { page } = await app.signIn();
    await page.goto(`${app.base}/routing/reports`);
    await expect.poll(() => rows(page).count()).toBe(5);
    await expect.poll(() => tiles(page).allTextContents()).toEqual(['5', '60 %', '2', '2:30']);
    const table = page.getByRole('table', { name: 'Routed calls' });
    expect(await table.textContent()).toContain('B Insurance');
    expect(await table.textContent()).toContain('A Solar');

    await page.getByRole('form', { name: 'Report filters' }).getByLabel('Seller').selectOption({ label: 'Bruno Seller' });
    await page.waitForURL((u) => u.searchParams.get('sellerId') === sellers.b.id);
    await expect.poll(() => rows(page).count()).toBe(1);
    expect(await rows(page).first().textContent()).toContain('B Insurance');
    await expect.poll(() => tiles(page).allTextContents()).toEqual(['1', '100 %', '1', '5:00']);
    expect(await page.getByRole('form', { name: 'Report filters' }).getByLabel('Campaign').locator('option').allTextContents()).toEqual(['All campaigns', 'B Insurance']);
    await app.shot(page, 'routing-reports-admin');
  });

  test('a date the API refuses is said at the filters and nothing is shown; at 390 px the page does not scroll sideways', async () => {
    app.expected.add('422 /api/v1/routing/reports/calls');
    app.expected.add('422 /api/v1/routing/reports/summary');
    const { page } = await app.signIn();
    await page.goto(`${app.base}/routing/reports?start=yesterday`);
    await page.getByRole('form', { name: 'Report filters' }).locator('.field-error').waitFor();
    expect(await rows(page).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBeGreaterThan(0);

    const phone = (await app.signIn({ viewport: PHONE })).page;
    await phone.goto(`${app.base}/routing/reports`);
    await phone.getByLabel('Totals').waitFor();
    await phone.getByText('5 calls shown · all of them').waitFor();
    expect(await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    await app.shot(phone, 'narrow-routing-reports');
  });
});
