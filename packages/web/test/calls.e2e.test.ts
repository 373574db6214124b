/**
 * Chromium, the Calls page: calls seeded through the API (manual ones with `POST /calls`, one from a test
 * call source with a raw payload and a recording) are listed newest first; the direction, status, date-range
 * and search filters change the rows and the URL; "Load more" pages on; a row links to its contact, whose page
 * lists its calls; the detail sheet shows the fields and, for an administrator only, the raw payload; a manual
 * call is recorded (the API's 422 at its field, a 409 linking to the existing call), edited and deleted.
 * Export (the CSV and the Excel file as downloaded, following the filters) and the analytics view (`/calls/stats`).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { definePlugin, type CallDto, type PluginContext } from '@dialbook/core';
import { eventually } from '@dialbook/core/testing';
import { browserSuite, PHONE } from './support/app.js';

/** Run in the page by Playwright (this test's TypeScript has no DOM library). */
declare const getComputedStyle: (el: unknown) => { display: string };

let ctx: PluginContext;
const pbx = definePlugin({
  name: 'pbx',
  setup(c) {
    c.calls.registerSource({ id: 'pbx', label: 'Test PBX' });
    ctx = c as unknown as PluginContext;
  },
});

const CLARA = '+49 30 5550100';

browserSuite('calls', { plugins: { pbx } }, (app) => {
  let seeding: Promise<{ contactId: string; sourced: CallDto; manual: CallDto[] }> | undefined;
  /** Once per file: a contact, four manual calls (two with the contact) and one from the PBX, on 2–6 March 2026. */
  const seeded = () =>
    (seeding ??= (async () => {
      const res = await app.core.request('/api/v1/contacts', { method: 'POST', json: { siteId: app.core.site.id, firstName: 'Clara', lastName: 'Caller', phones: [{ number: CLARA }] } });
      expect(res.status).toBe(201);
      const contactId = ((await res.json()) as { id: string }).id;
      const post = async (body: Record<string, unknown>) => {
        const r = await app.core.request('/api/v1/calls', { method: 'POST', json: { siteId: app.core.site.id, ...body } });
        expect(r.status, await r.clone().text()).toBe(201);
        return (await r.json()) as CallDto;
      };
      const manual = [
        await post({ direction: 'inbound', startedAt: '2026-03-02T09:00:00Z', answeredAt: '2026-03-02T09:00:05Z', endedAt: '2026-03-02T09:03:05Z', remote: { number: CLARA } }),
        await post({ direction: 'inbound', status: 'missed', startedAt: '2026-03-03T10:00:00Z', endedAt: '2026-03-03T10:00:30Z', remote: { number: '+49 40 5550200', name: 'Hans Hamburg' } }),
        await post({ direction: 'outbound', startedAt: '2026-03-04T11:00:00Z', answeredAt: '2026-03-04T11:00:09Z', endedAt: '2026-03-04T11:10:09Z', remote: { number: CLARA }, local: { extension: '210' } }),
        await post({ direction: 'internal', startedAt: '2026-03-05T12:00:00Z', answeredAt: '2026-03-05T12:00:02Z', endedAt: '2026-03-05T12:01:02Z', remote: { number: '305', name: 'Ina Intern' }, local: { extension: '211' } }),
      ];
      const sourced = (
        await ctx.calls.upsert(app.core.site.id, 'pbx', {
          externalId: 'pbx-1',
          direction: 'inbound',
          status: 'answered',
          startedAt: '2026-03-06T08:00:00Z',
          answeredAt: '2026-03-06T08:00:04Z',
          endedAt: '2026-03-06T08:02:04Z',
          remote: { number: '+49 69 5550400', name: 'Paula Pbx' },
          recording: { kind: 'recording', ref: 'rec-1' },
          rawPayload: { vendorField: 'x-42', legs: 2 },
        })
      ).call;
      // Numbers resolve to contacts in the background, right after the write.
      for (const call of [manual[0]!, manual[2]!]) {
        const resolved = await eventually(`call ${call.id} matched to Clara`, async () => ((await (await app.core.request(`/api/v1/calls/${call.id}`)).json()) as CallDto).contactId, { interval: 50 });
        expect(resolved).toBe(contactId);
      }
      return { contactId, sourced, manual };
    })());

  /** Signed in, on the Calls page with its rows there. */
  const openCalls = async (options: Parameters<typeof app.signIn>[0] = {}, query?: string) => {
    const data = await seeded();
    const signed = await app.signIn(options);
    if (query !== undefined) await signed.page.goto(`${app.base}/calls${query}`);
    else await signed.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Calls' }).click();
    await signed.page.locator('h1', { hasText: 'Calls' }).waitFor(); // not by role: an open sheet hides the page from the accessibility tree
    const rows = signed.page.locator('table.calls tbody tr');
    return { ...signed, ...data, rows };
  };

  test('newest first; direction, status, search and date range change the rows and the URL; paging; a row links to its contact', async () => {
    const { page, rows, contactId } = await openCalls();
    await expect.poll(() => rows.count()).toBe(5);
    await app.shot(page, 'calls');
    const starts = await rows.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')));
    expect(starts).toEqual([...starts].sort().reverse());
    expect(await rows.first().textContent()).toContain('Paula Pbx');
    expect(await rows.last().textContent()).toContain('Clara Caller');

    await page.getByLabel('Direction').selectOption('outbound');
    await page.waitForURL(/direction=outbound/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('ext. 210');
    await page.getByLabel('Direction').selectOption('');
    await page.getByLabel('Status').selectOption('missed');
    await page.waitForURL((u) => u.searchParams.get('status') === 'missed' && !u.searchParams.has('direction'));
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Hans Hamburg');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => rows.count()).toBe(5);

    await page.getByLabel('Search calls').fill('intern');
    await page.waitForURL(/q=intern/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('Ina Intern');
    await page.getByLabel('Search calls').fill('');
    await page.waitForURL((u) => !u.searchParams.has('q'));
    await expect.poll(() => rows.count()).toBe(5);

    // Dates: typed From and To, then a second range picked in the calendar.
    await page.getByRole('button', { name: /^Dates/ }).click();
    const picker = page.getByRole('dialog', { name: 'Choose dates' });
    await picker.getByLabel('From', { exact: true }).fill('2026-03-03');
    await picker.getByLabel('To', { exact: true }).fill('2026-03-04');
    await picker.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((u) => u.searchParams.has('start') && u.searchParams.has('end'));
    await expect.poll(() => rows.count()).toBe(2);
    expect((await rows.allTextContents()).join(' ')).toContain('Hans Hamburg');
    await page.getByRole('button', { name: /^Dates/ }).click();
    await picker.getByRole('button', { name: 'All dates' }).click();
    await expect.poll(() => rows.count()).toBe(5);
    await page.getByRole('button', { name: /^Dates/ }).click();
    await picker.getByLabel('From', { exact: true }).fill('2026-03-05');
    await picker.getByRole('button', { name: /March 6(th)?, 2026/ }).click();
    await expect.poll(() => picker.getByLabel('To', { exact: true }).inputValue()).toBe('2026-03-06');
    await app.shot(page, 'calls-date-range');
    await picker.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect((await rows.allTextContents()).join(' ')).toMatch(/Paula Pbx.*Ina Intern/);

    // Keyset pages of two.
    await page.goto(`${app.base}/calls?limit=2`);
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(4);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(5);
    await page.getByText('5 calls shown · all of them').waitFor();
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

    // A call with a contact links to it; the contact's page lists its calls and links to them on the Calls page.
    await rows.filter({ hasText: 'ext. 210' }).getByRole('link', { name: 'Clara Caller' }).click();
    await page.waitForURL(new RegExp(`/contacts/${contactId}$`));
    const section = page.getByRole('region', { name: 'Calls', exact: true });
    await expect.poll(() => section.locator('tbody tr').count()).toBe(2);
    await app.shot(page, 'contact-calls');
    await section.getByRole('link', { name: 'All calls with this contact' }).click();
    await page.waitForURL(new RegExp(`/calls\\?contactId=${contactId}`));
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByText('Contact: Clara Caller').waitFor();
  });

  test('the detail sheet: fields, linked contact, recording; the raw payload for an administrator only', async () => {
    const { page, rows, sourced } = await openCalls();
    await rows.filter({ hasText: 'Paula Pbx' }).locator('button.call-open').click();
    await page.waitForURL(new RegExp(`call=${sourced.id}`));
    const sheet = page.getByRole('dialog', { name: 'Call', exact: true });
    const facts = sheet.getByRole('definition');
    await sheet.getByText('external id pbx-1').waitFor();
    const text = (await sheet.textContent()) ?? '';
    for (const part of ['Paula Pbx', '+49 69 5550400', 'Answered', '2:00', 'pbx']) expect(text).toContain(part);
    expect(await facts.count()).toBeGreaterThan(5);
    expect(await sheet.locator('audio').getAttribute('src')).toBe(`/api/v1/calls/${sourced.id}/recording`);
    await sheet.getByText('Raw payload').click();
    await expect.poll(() => sheet.getByLabel('Raw payload').textContent()).toContain('"vendorField": "x-42"');
    expect(await sheet.getByRole('button', { name: 'Edit' }).count()).toBe(0); // not a manual call
    await app.shot(page, 'call-detail');
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => !u.searchParams.has('call'));

    // A user of the site sees the call, not its raw payload.
    const user = await openCalls({ role: 'user', siteIds: [app.core.site.id] }, `?call=${sourced.id}`);
    const theirs = user.page.getByRole('dialog', { name: 'Call', exact: true });
    await theirs.getByText('external id pbx-1').waitFor();
    expect(await theirs.getByText('Raw payload').count()).toBe(0);
    expect(await theirs.textContent()).not.toContain('x-42');
    await expect.poll(() => user.rows.count()).toBe(5);
  });

  test('record a manual call (422 at the field, 409 links the existing call), edit it, delete it', async () => {
    const { page, rows } = await openCalls();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(5);
    const record = async (externalId: string, duration: string) => {
      await page.getByRole('button', { name: 'Record call' }).click();
      const form = page.getByRole('dialog', { name: 'Record call', exact: true });
      await form.getByLabel('Direction').selectOption('inbound');
      await form.getByLabel('Started').fill('2026-03-07T14:00:00');
      await form.getByLabel('Remote number').fill('+49 89 5550300');
      await form.getByLabel('Remote name').fill('Rita Recorder');
      await form.getByLabel('Duration (seconds)').fill(duration);
      await form.getByLabel('External id').fill(externalId);
      await form.getByRole('button', { name: 'Record call' }).click();
      return form;
    };
    app.expected.add('422 /api/v1/calls').add('409 /api/v1/calls');
    const form = await record('ticket-7', '-5');
    const durationField = form.locator('.field.invalid', { has: page.getByLabel('Duration (seconds)') });
    await durationField.locator('.field-error').waitFor();
    await app.shot(page, 'call-record-errors');
    await form.getByLabel('Duration (seconds)').fill('300');
    await form.getByRole('button', { name: 'Record call' }).click();
    const sheet = page.getByRole('dialog', { name: 'Call', exact: true });
    await sheet.getByText('Rita Recorder').first().waitFor();
    await sheet.getByText('5:00').waitFor();
    const id = new URL(page.url()).searchParams.get('call');
    expect(id).toBeTruthy();
    await page.keyboard.press('Escape');
    await rows.filter({ hasText: 'Rita Recorder' }).waitFor();

    // The same external id again: the dialog names the existing call and opens it.
    const again = await record('ticket-7', '300');
    await again.getByText('A call with this external id is already recorded.').waitFor();
    await again.getByRole('link', { name: 'Open the existing call' }).click();
    await page.waitForURL(new RegExp(`call=${id}`));
    await sheet.getByText('Rita Recorder').first().waitFor();

    // Edit, then delete with confirmation.
    await sheet.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit call' });
    await edit.getByLabel('Remote name').fill('Rita Revised');
    await edit.getByLabel('Status').selectOption('missed');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'detached' });
    await sheet.getByText('Rita Revised').first().waitFor();
    await rows.filter({ hasText: 'Rita Revised' }).getByText('Missed').waitFor();
    const saved = (await (await app.core.request(`/api/v1/calls/${id}`)).json()) as CallDto;
    expect(saved.remote.name).toBe('Rita Revised');
    expect(saved.status).toBe('missed');

    await sheet.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await sheet.waitFor({ state: 'detached' });
    await expect.poll(() => rows.filter({ hasText: 'Rita' }).count()).toBe(0);
    expect((await app.core.request(`/api/v1/calls/${id}`)).status).toBe(404);
  });

  test('at 390 px: calls are cards, nothing scrolls sideways, the date picker and the sheet fit', async () => {
    const { page, rows, sourced } = await openCalls({ viewport: PHONE }, ''); // by URL: on a phone the navigation is behind the menu
    await expect.poll(() => rows.count()).toBe(5);
    const sideways = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(await rows.first().evaluate((el) => getComputedStyle(el).display)).toBe('grid');
    expect(await sideways()).toBe(0);
    await page.getByRole('button', { name: /^Dates/ }).click();
    const picker = page.getByRole('dialog', { name: 'Choose dates' });
    const box = (await picker.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    await app.shot(page, 'calls-phone-dates');
    await page.keyboard.press('Escape');
    await rows.filter({ hasText: 'Paula Pbx' }).locator('button.call-open').click();
    const sheet = page.getByRole('dialog', { name: 'Call', exact: true });
    await sheet.getByText('external id pbx-1').waitFor();
    const sheetBox = (await sheet.boundingBox())!;
    expect(sheetBox.width).toBeLessThanOrEqual(PHONE.width);
    expect(new URL(page.url()).searchParams.get('call')).toBe(sourced.id);
    await app.shot(page, 'calls-phone-detail');
  });

  describe('export and analytics', () => {
    test('exports follow the filters (CSV, Excel)', async () => {
      const { page, rows } = await openCalls({}, '?direction=inbound');
      await expect.poll(() => rows.count()).toBe(3);
      const csvLink = page.getByRole('link', { name: 'Export CSV' });
      const href = new URL((await csvLink.getAttribute('href'))!, app.base);
      expect(href.pathname).toBe('/api/v1/calls/export');
      expect(href.searchParams.get('direction')).toBe('inbound');
      expect(href.searchParams.get('format')).toBe('csv');
      const [csv] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
      const text = await readFile((await csv.path())!, 'utf8');
      expect(text).toContain('Hans Hamburg');
      expect(text).not.toContain('Ina Intern');
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export Excel' }).click()]);
      expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
      expect((await readFile((await xlsx.path())!)).subarray(0, 2).toString()).toBe('PK');
    });

    test('analytics: totals, calls per day, busiest hours, top callers, in the server time zone', async () => {
      const { page, contactId } = await openCalls({}, '?start=2026-03-02T00:00:00Z&end=2026-03-07T00:00:00Z');
      await page.getByRole('button', { name: 'Analytics' }).click();
      await page.waitForURL(/view=analytics/);
      const totals = page.getByRole('definition');
      await page.getByTestId('stats-time-zone').waitFor();
      expect(await page.getByTestId('stats-time-zone').textContent()).toBeTruthy();
      await expect.poll(() => totals.first().textContent()).toBe('5');
      expect(await page.getByLabel('Totals').textContent()).toContain('80 %');
      await page.getByRole('figure', { name: 'Calls per day' }).locator('.recharts-bar-rectangle').first().waitFor();
      await page.getByRole('figure', { name: 'Busiest hours' }).locator('.recharts-bar-rectangle').first().waitFor();
      const top = page.locator('table.top-callers tbody tr');
      await expect.poll(() => top.count()).toBeGreaterThan(1);
      expect(await top.first().getByRole('link').getAttribute('href')).toBe(`/contacts/${contactId}`);
      await app.shot(page, 'calls-analytics');
      await page.getByLabel('Direction').selectOption('outbound');
      await expect.poll(() => totals.first().textContent()).toBe('1');
    });
  });
  // Last: the imported calls would change the other tests' counts.
  test('import a phone\'s call history (vCard): counts, then nothing twice; the calls are listed', async () => {
    const { page, rows } = await openCalls();
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(5);
    const card = (n: string, kind: string, at: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Handy ${n}\r\nTEL;TYPE=CELL:030777000${n}\r\nX-IRMC-CALL-DATETIME;TYPE=${kind}:${at}\r\nEND:VCARD\r\n`;
    const file = { name: 'cch.vcf', mimeType: 'text/x-vcard', buffer: Buffer.from(card('1', 'RECEIVED', '20260308T101500') + card('2', 'MISSED', '20260308T111500')) };
    const upload = async () => {
      await page.getByRole('button', { name: 'Import call history' }).click();
      const dialog = page.getByRole('dialog', { name: "Import a phone's call history" });
      await dialog.getByLabel('File').setInputFiles(file);
      await dialog.getByLabel('Time zone of the phone').fill('Europe/Berlin');
      await dialog.getByRole('button', { name: 'Import' }).click();
      const status = (await dialog.getByRole('status', { name: 'Import result' }).textContent()) ?? '';
      await dialog.getByRole('button', { name: 'Close', exact: true }).and(dialog.getByText('Close')).click();
      return status;
    };
    expect(await upload()).toBe('2 entries: 2 new calls, 0 already known, 0 failed.');
    expect(await upload()).toBe('2 entries: 0 new calls, 2 already known, 0 failed.');
    await page.goto(`${app.base}/calls?q=0307770001`);
    await page.getByRole('cell', { name: /Handy 1/ }).or(page.getByText('Handy 1')).first().waitFor();
    const api = (await (await app.core.request('/api/v1/calls?source=phone_import&q=030777000')).json()) as { items: CallDto[] };
    expect(api.items.map((c) => [c.remote.number, c.direction, c.status, c.startedAt]).sort()).toEqual([
      ['0307770001', 'inbound', 'answered', '2026-03-08T09:15:00.000Z'],
      ['0307770002', 'inbound', 'missed', '2026-03-08T10:15:00.000Z'],
    ]);
  });
});
