/**
 * Chromium, the routing pages (issue 15 item 11): a client created with a SIP password that is never shown
 * again (not in the page, the edit dialog or the API); DIDs bulk-added from a pasted list with a bad line's
 * error at its line; a weighted campaign with links 70/30 edited in place, a third link closed by the hours
 * editor, live counters that follow an engine's call without a reload, and "Test a decision" showing the
 * order the API answered and the closed link skipped with its reason; a seller sees only their own DIDs and
 * campaigns and no Clients page; the campaign page at 390 px without sideways scrolling.
 */
import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { systemActor } from '@dialbook/core';
import { browserSuite, PHONE } from './support/app.js';

/** Run in the page by Playwright (this test's TypeScript has no DOM library). */
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

browserSuite('routing', { config: { defaultCountry: 'US' } }, (app) => {
  const post = async <T = { id: string }>(path: string, json: unknown) => {
    const res = await app.core.request(`/api/v1${path}`, { method: 'POST', json });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as T;
  };
  const client = (name: string) => post('/routing/clients', { name, sip: { host: `sip.${name.split(' ')[0]!.toLowerCase()}.example` } });

  test('a client with a SIP password: created in the dialog, the password never shown again', async () => {
    const { page } = await app.signIn();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await page.getByText('No clients yet').waitFor();
    await page.getByRole('button', { name: 'New client' }).click();
    const dialog = page.getByRole('dialog', { name: 'New client' });
    await dialog.getByLabel('Name', { exact: true }).fill('Acme Calls');
    await dialog.getByLabel('Host').fill('sip.acme.example');
    await dialog.getByLabel('Transport').selectOption('tls');
    await dialog.getByLabel('User name').fill('acme');
    await dialog.getByLabel('Password', { exact: true }).fill('Sup3r-Secret-SIP');
    await dialog.getByLabel('Codecs').fill('opus, ulaw');
    await dialog.getByLabel('Per day').fill('abc');
    await dialog.getByRole('button', { name: 'Create client' }).click();
    await dialog.getByText('Enter a whole number from 0, or leave it empty for no cap.').waitFor();
    await dialog.getByLabel('Per day').fill('100');
    // Hours: Monday to Friday 09:00–17:00 to start with; a Monday block ending before it starts is the API's 422 at that block.
    await dialog.getByLabel('Always open').uncheck();
    await dialog.getByLabel('Monday block 1 to').fill('08:00');
    app.expected.add('422 /api/v1/routing/clients');
    await dialog.getByRole('button', { name: 'Create client' }).click();
    await dialog.getByRole('group', { name: 'Monday' }).getByText('A block ends after it starts').waitFor();
    await dialog.getByLabel('Monday block 1 to').fill('12:00');
    await dialog.getByRole('button', { name: 'Add a block on Monday' }).click();
    await dialog.getByLabel('Monday block 2 from').fill('13:00');
    await app.shot(page, 'routing-client-form');
    await dialog.getByRole('button', { name: 'Create client' }).click();
    const row = page.locator('tr', { hasText: 'Acme Calls' });
    await row.getByRole('cell', { name: 'set', exact: true }).waitFor();
    await row.getByText('sip.acme.example:5060 (tls)').waitFor();
    await app.shot(page, 'routing-clients');
    expect(await page.content()).not.toContain('Sup3r-Secret-SIP');

    await page.getByRole('button', { name: 'Edit Acme Calls' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Acme Calls' });
    expect(await edit.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await edit.getByText('Set (never shown). Type a new one to replace it.').waitFor();
    expect(await edit.getByLabel('Codecs').inputValue()).toBe('opus, ulaw');
    expect(await edit.getByLabel('Per day').inputValue()).toBe('100');
    expect([await edit.getByLabel('Monday block 1 to').inputValue(), await edit.getByLabel('Monday block 2 from').inputValue(), await edit.getByLabel('Monday block 2 to').inputValue()]).toEqual(['12:00', '13:00', '17:00']);
    expect(await page.content()).not.toContain('Sup3r-Secret-SIP');
    const api = await (await app.core.request('/api/v1/routing/clients')).text();
    expect(api).toContain('"hasPassword":true');
    expect(api).toContain('{"day":1,"from":"13:00","to":"17:00"}');
    expect(api).not.toContain('Sup3r-Secret-SIP');
  });

  test('DIDs from a pasted list: the bad line says why at its line, the good ones are added', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.goto(`${app.base}/routing/dids`);
    const bulk = page.getByRole('form', { name: 'Add DIDs from a list' });
    await bulk.getByLabel('Numbers').fill('+1 212 555 0181\nnot a number\n(212) 555-0182');
    await bulk.getByRole('button', { name: 'Add DIDs' }).click();
    const result = page.getByRole('status', { name: 'Bulk result' });
    await result.getByText('Added 2 of 3. 1 not added:').waitFor();
    const bad = result.locator('li[data-line="2"]');
    expect(await bad.textContent()).toMatch(/^Line 2 not a number: "not a number" is not a valid phone number/);
    expect(await bad.getAttribute('class')).toContain('bad');
    expect(await result.locator('li[data-line="3"]').textContent()).toContain('added as +12125550182');
    const table = page.getByRole('table', { name: 'DIDs' });
    await table.getByRole('cell', { name: '+12125550181' }).waitFor();
    await table.getByRole('cell', { name: '+12125550182' }).waitFor();
    await app.shot(page, 'routing-dids-bulk');
  });

  test('a 70/30 campaign: links edited in place, live counters follow a call, Test a decision explains the order and the closed link', async () => {
    for (const name of ['North Buyer', 'South Buyer', 'Night Buyer']) await client(name);
    const { page } = await app.signIn();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('button', { name: 'New campaign' }).click();
    const dialog = page.getByRole('dialog', { name: 'New campaign' });
    await dialog.getByLabel('Name', { exact: true }).fill('Solar');
    await dialog.getByLabel('Strategy').selectOption('weighted');
    await dialog.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Solar', level: 1 }).waitFor();
    const campaignId = page.url().split('/').at(-1)!;

    const linkForm = page.getByRole('form', { name: 'Link a client' });
    for (const name of ['North Buyer', 'South Buyer', 'Night Buyer']) {
      await linkForm.getByLabel('Client').selectOption({ label: name });
      await linkForm.getByRole('button', { name: 'Link client' }).click();
      await page.getByRole('article', { name: `Link to ${name}` }).waitFor();
    }
    for (const [name, weight] of [['North Buyer', '70'], ['South Buyer', '30']] as const) {
      const card = page.getByRole('article', { name: `Link to ${name}` });
      await card.getByLabel('Weight').fill(weight);
      await card.getByLabel('Concurrent calls').fill('5');
      await card.getByRole('button', { name: 'Save link' }).click();
      await card.getByText('Saved.').waitFor();
    }
    // The night buyer is never open: "Always open" off, then every weekday block removed.
    const night = page.getByRole('article', { name: 'Link to Night Buyer' });
    await night.getByText('Hours: always open').click();
    await night.getByLabel('Always open').uncheck();
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await night.getByRole('button', { name: `Remove ${day} block 1` }).click();
    await night.getByRole('button', { name: 'Save link' }).click();
    await night.getByText('Hours: 0 weekly blocks, 0 exception dates').waitFor();
    const links = (await (await app.core.request(`/api/v1/routing/campaigns/${campaignId}/links`)).json()) as { items: { clientName: string; weight: number; concurrencyCap: number | null; hours: unknown }[] };
    expect(links.items.map((l) => [l.clientName, l.weight, l.concurrencyCap, l.hours])).toEqual(
      expect.arrayContaining([['North Buyer', 70, 5, null], ['South Buyer', 30, 5, null], ['Night Buyer', 1, null, { weekly: [], exceptions: [] }]]),
    );

    // An engine takes a call to North: its card's counters follow without a reload.
    const { ownerId } = (await (await app.core.request(`/api/v1/routing/campaigns/${campaignId}`)).json()) as { ownerId: string };
    await post('/routing/dids', { number: '+12125550190', campaignId, ownerId });
    const engineToken = (await app.core.dialbook.credentials.createEngineToken(`e2e-${randomUUID().slice(0, 8)}`, systemActor)).secret;
    const northId = ((await (await app.core.request('/api/v1/routing/clients')).json()) as { items: { id: string; name: string }[] }).items.find((c) => c.name === 'North Buyer')!.id;
    const callId = randomUUID();
    const asEngine = (path: string, body: unknown) => app.core.app.request(`/api/v1/routing${path}`, { method: 'POST', headers: { authorization: `Bearer ${engineToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await asEngine('/decide', { did: '+12125550190', caller: '+14155550100', callId })).status).toBe(200);
    expect((await asEngine(`/calls/${callId}/attempt`, { clientId: northId })).status).toBe(200);
    const northCounters = page.getByRole('article', { name: 'Link to North Buyer' }).getByRole('definition');
    await expect.poll(() => northCounters.allTextContents(), { timeout: 15_000 }).toEqual(['1 / 5', '1', '1', '1', '1', 'routed']);
    await app.shot(page, 'routing-campaign');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Test a decision' }).click();
    const form = page.getByRole('form', { name: 'Test a decision' });
    await form.getByLabel('DID').fill('(212) 555-0190');
    await form.getByLabel('Caller').fill('+1 415 555 0111');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/routing/decisions/preview'));
    await form.getByRole('button', { name: 'Test' }).click();
    const decided = (await (await answer).json()) as { targets: { clientName: string }[] };
    const targets = page.getByRole('list', { name: 'Targets' }).getByRole('listitem');
    await expect.poll(() => targets.count()).toBe(2);
    const shown = await targets.allTextContents();
    expect(shown.map((t) => t.split(' — ')[0])).toEqual(decided.targets.map((t) => t.clientName));
    expect([...shown].sort()).toEqual(['North Buyer — rings 30 s (priority 1, weight 70)', 'South Buyer — rings 30 s (priority 1, weight 30)']);
    expect(await page.getByRole('list', { name: 'Skipped links' }).getByRole('listitem').allTextContents()).toEqual(["Night Buyer: Closed: outside the link's hours (UTC time). closed"]);
    await page.getByText('in campaign Solar').waitFor();
    await app.shot(page, 'routing-test-decision');
    // A dry run: the counters are as before.
    const counters = (await (await app.core.request(`/api/v1/routing/campaigns/${campaignId}/counters`)).json()) as { items: { clientName: string; periods: { total: { count: number } } }[] };
    expect(counters.items.map((c) => [c.clientName, c.periods.total.count]).sort()).toEqual([['Night Buyer', 0], ['North Buyer', 1], ['South Buyer', 0]]);

    // At 390 px the campaign page does not scroll sideways.
    const phone = await app.signIn({ viewport: PHONE });
    await phone.page.goto(`${app.base}/routing/campaigns/${campaignId}`);
    await phone.page.getByRole('article', { name: 'Link to North Buyer' }).waitFor();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await app.shot(phone.page, 'narrow-routing-campaign');
  });

  test('a seller sees only their own DIDs and campaigns, no Clients page, and cannot test another seller\'s DID', async () => {
    const other = await app.core.createUser({ role: 'user' });
    const theirs = (await (await other.request('/api/v1/routing/campaigns', { method: 'POST', json: { name: 'Foreign campaign' } })).json()) as { id: string };
    expect((await other.request('/api/v1/routing/dids', { method: 'POST', json: { number: '+12125550170', campaignId: theirs.id } })).status).toBe(201);

    const { page } = await app.signIn({ role: 'user' });
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Campaigns' }).click();
    expect(await nav.getByRole('group', { name: 'Routing' }).getByRole('link').allTextContents()).toEqual(['Campaigns', 'DIDs', 'Test a decision', 'Reports']);
    await page.getByText('No campaigns yet').waitFor();
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page.getByRole('dialog', { name: 'New campaign' }).getByLabel('Name', { exact: true }).fill('My leads');
    await page.getByRole('dialog', { name: 'New campaign' }).getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'My leads', level: 1 }).waitFor();
    await page.getByText('No client is linked yet.').waitFor();
    expect(await page.getByRole('form', { name: 'Link a client' }).count()).toBe(0);

    await nav.getByRole('link', { name: 'DIDs' }).click();
    const add = page.getByRole('form', { name: 'Add a DID' });
    await add.getByLabel('Number').fill('212 555 0171');
    await add.getByLabel('Campaign').selectOption({ label: 'My leads' });
    await add.getByRole('button', { name: 'Add DID' }).click();
    await page.getByRole('table', { name: 'DIDs' }).getByRole('cell', { name: '+12125550171' }).waitFor();
    const numbers = await page.getByRole('table', { name: 'DIDs' }).locator('tbody td code').allTextContents();
    expect(numbers).toEqual(['+12125550171']);
    await app.shot(page, 'routing-seller-dids');
    await nav.getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'My leads' }).waitFor();
    expect(await page.getByText('Foreign campaign').count()).toBe(0);

    await page.goto(`${app.base}/routing/clients`);
    await page.getByText('This page needs the staff role.').waitFor();

    app.expected.add('404 /api/v1/routing/decisions/preview');
    await page.goto(`${app.base}/routing/test`);
    const form = page.getByRole('form', { name: 'Test a decision' });
    await form.getByLabel('DID').fill('+12125550170');
    await form.getByRole('button', { name: 'Test' }).click();
    await form.getByText(/DID \+12125550170 .*not found|no DID|does not exist/i).waitFor();
    await form.getByLabel('DID').fill('+12125550171');
    await form.getByRole('button', { name: 'Test' }).click();
    await page.getByText('Rejected: the campaign offers no enabled client.').waitFor();
  });
});
