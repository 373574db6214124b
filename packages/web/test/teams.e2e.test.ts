/**
 * Chromium: `@dialbook/plugin-teams` in the admin app (issue 14, item 6). No Microsoft Graph can run here, so
 * Entra ID and Graph are the plugin's protocol-level double (`@dialbook/plugin-teams/test-double`): a token
 * endpoint MSAL signs in against for real, callRecords with sessions from Graph's documented JSON, and the
 * subscription endpoints that make the validationToken handshake with this server before they create a
 * subscription (the app's publicUrl is the port it listens on).
 *
 * The Teams settings form for a site (the secret write-only); "Test connection" and "Sync now" from the same
 * page with their results; the synced calls on the Calls page with the Teams icon; the "Teams change
 * notifications" view with the site's subscription active and when it runs out; a change notification makes a
 * new call appear in the Calls page.
 */
import { afterAll, expect, test } from 'vitest';
import { eventually } from '@dialbook/core/testing';
import { createTeamsPlugin } from '@dialbook/plugin-teams';
import { startGraphDouble } from '@dialbook/plugin-teams/test-double';
import { ABBIE, OWEN, callRecord, phone, session, user } from '@dialbook/plugin-teams/test-fixtures';
import { browserSuite } from './support/app.js';

const graph = await startGraphDouble();
afterAll(() => graph.close());

/** A one-to-one call that started `minutesAgo` minutes ago and lasted `seconds`. */
const recent = (id: string, minutesAgo: number, seconds: number, from: Parameters<typeof session>[0], to: Parameters<typeof session>[1]) => {
  const start = new Date(Date.now() - minutesAgo * 60_000);
  const iso = (ms: number) => new Date(start.getTime() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return callRecord(id, { start: iso(0), end: iso(seconds * 1000), organizer: from, participants: [from, to], sessions: [session(from, to, iso(1000), iso(seconds * 1000))] });
};
const INBOUND = '0a1b2c3d-0000-4000-8000-00000000e2e1';
const OUTBOUND = '0a1b2c3d-0000-4000-8000-00000000e2e2';
const NOTIFIED = '0a1b2c3d-0000-4000-8000-00000000e2e3';
graph.records.set(INBOUND, recent(INBOUND, 50, 95, phone('+493055501234'), user(ABBIE)));
graph.records.set(OUTBOUND, recent(OUTBOUND, 40, 30, user(OWEN), phone('+498955507890')));

const plugin = createTeamsPlugin();
browserSuite('teams', { plugins: { teams: { plugin, options: { graphBaseUrl: graph.graphBaseUrl, tokenEndpoint: graph.tokenEndpoint } } } }, (app) => {
  const site = () => app.core.site.id;

  test("the site's Teams settings in the form (secret write-only), then Test connection and Sync now with their results", async () => {
    const { page } = await app.signIn();
    await page.goto(`${app.base}/settings/teams`);
    await page.getByLabel('Values for').waitFor();
    await page.getByLabel('Values for').selectOption(site());
    await page.getByLabel('Tenant ID', { exact: true }).fill(graph.tenant);
    await page.getByLabel('Client ID', { exact: true }).fill(graph.clientId);
    const secret = page.getByLabel(/^Client secret/);
    expect(await secret.getAttribute('type')).toBe('password');
    await secret.fill(graph.clientSecret);
    await page.getByRole('textbox', { name: /^Sync cron/ }).fill(''); // empty: only on request (no scheduled sync beside the button)
    await page.getByRole('checkbox', { name: /^Notifications/ }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const saved = await app.core.request(`/api/v1/settings/teams?siteId=${site()}`);
    const text = await saved.text();
    expect(JSON.parse(text)).toMatchObject({ values: { tenantId: graph.tenant, clientId: graph.clientId, notifications: true } });
    expect(text).not.toContain(graph.clientSecret);
    // The secret field stays empty after the save: the value never comes back to the browser.
    await page.reload();
    await page.getByLabel('Values for').selectOption(site());
    await expect.poll(() => page.getByLabel('Tenant ID', { exact: true }).inputValue()).toBe(graph.tenant);
    expect(await page.getByLabel(/^Client secret/).inputValue()).toBe('');
    expect(await page.content()).not.toContain(graph.clientSecret);

    await page.getByRole('button', { name: 'Test connection' }).click();
    const tested = page.getByRole('status', { name: 'Test connection result' });
    await tested.waitFor();
    expect(await tested.textContent()).toMatch(/signed in|call record/i);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const synced = page.getByRole('status', { name: 'Sync now result' });
    await synced.waitFor({ timeout: 20_000 });
    expect(await synced.textContent()).toMatch(/2 record\(s\): 2 new/);
    await app.shot(page, 'teams-settings');
  });

  test('the synced calls on the Calls page with the Teams icon; the subscription view; a notified call appears', async () => {
    const { page } = await app.signIn();
    await page.goto(`${app.base}/calls?source=teams`);
    const rows = page.locator('table.calls tbody tr');
    await rows.filter({ hasText: '+493055501234' }).first().waitFor();
    await rows.filter({ hasText: '+498955507890' }).first().waitFor();
    expect(await rows.count()).toBe(2);
    const source = rows.first().locator('.call-source');
    expect(await source.textContent()).toContain('Microsoft Teams');
    expect(await source.locator('svg.lucide-video').count()).toBe(1);

    await page.goto(`${app.base}/views/teams/notifications`);
    const row = page.locator('tbody tr', { hasText: app.core.site.slug });
    await row.getByText('active').waitFor({ timeout: 20_000 });
    const [sub] = [...graph.subscriptions.values()];
    expect(sub).toBeDefined();
    await row.getByText(sub!.id).waitFor();
    await app.shot(page, 'teams-notifications');

    graph.records.set(NOTIFIED, recent(NOTIFIED, 2, 12, phone('+494055503333'), user(ABBIE)));
    expect((await graph.notify(sub!.id, [NOTIFIED])).status).toBe(202);
    await eventually('the notified call in the log', async () => ((await (await app.core.request(`/api/v1/calls?source=teams&number=%2B494055503333`)).json()) as { items: unknown[] }).items.length || null, { interval: 50 });
    await page.goto(`${app.base}/calls?source=teams`);
    await rows.filter({ hasText: '+494055503333' }).first().waitFor();
    expect(await rows.count()).toBe(3);
  });
});
