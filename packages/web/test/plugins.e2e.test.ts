/**
 * Chromium, the Plugins, Jobs and Notifications pages: a plugin's action (the CSV plugin's "Sync now") run from
 * its card with the result shown, the job among the finished ones, a server-side notification reaching the
 * badge without a reload (mark read, clear all); each plugin's health checks, one passing and one failing
 * with why (a small plugin whose checks are real TCP connects: to the SMTP server, and to a closed port).
 */
import { fileURLToPath } from 'node:url';
import { connect, createServer } from 'node:net';
import { beforeAll, expect, test } from 'vitest';
import { definePlugin } from '@dialbook/core';
import csvPlugin from '@dialbook/example-csv';
import yealinkPlugin from '@dialbook/plugin-yealink';
import { browserSuite } from './support/app.js';

const CSV = fileURLToPath(new URL('../../../examples/minimal/demo-contacts.csv', import.meta.url));

/** Can a TCP connection be opened to 127.0.0.1:port? Throws the connect error (ECONNREFUSED) when not. */
const tcpProbe = (port: number) =>
  new Promise<{ ok: boolean; message: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, message: `127.0.0.1:${port} accepts connections` });
    });
    socket.once('error', reject);
  });

/** A port nothing listens on (taken and released at once). */
const closedPort = await new Promise<number>((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});
let smtpPort = 0;
/** Real health checks, so the Plugins page has a passing and a failing one to show. */
const relayProbe = definePlugin({
  name: 'relay-probe',
  description: 'Checks that the mail relays accept connections',
  setup(ctx) {
    ctx.health.register({ id: 'primary', label: 'Primary mail relay', check: () => tcpProbe(smtpPort) });
    ctx.health.register({ id: 'backup', label: 'Backup mail relay', check: () => tcpProbe(closedPort) });
  },
});

browserSuite('plugins, jobs and notifications', { mail: true, plugins: { csv: { plugin: csvPlugin, options: { file: CSV, site: 'test' } }, yealink: yealinkPlugin, probe: relayProbe } }, (app) => {
  beforeAll(() => {
    smtpPort = app.smtp.port;
  });

  test("run a plugin's action from the Plugins page and see its result; jobs and notifications", async () => {
    const { page } = await app.signIn();
    await page.getByRole('link', { name: 'Plugins' }).click();
    const card = page.locator('article', { has: page.getByRole('heading', { name: /^csv/ }) });
    await card.getByText('started').waitFor();
    await card.getByRole('button', { name: 'Sync now' }).click();
    const result = card.getByRole('status', { name: 'Sync now result' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/Done/);
    await app.shot(page, 'plugins');
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'Finished' }).waitFor();
    await app.shot(page, 'jobs');
    // A notification raised on the server shows in the badge without a reload (the badge polls).
    await app.core.dialbook.notifications.notify({ level: 'warning', title: 'Directory server unreachable', body: 'checked from the e2e test' });
    await page.getByTestId('unread-count').waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: /Notifications, [1-9]\d* unread/ }).click();
    await page.getByText('Directory server unreachable').waitFor();
    await app.shot(page, 'notifications');
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByTestId('unread-count').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Clear all' }).click();
    await page.getByText('No notifications.').waitFor();
  });

  test('each plugin shows its health checks: one passing, one failing with why', async () => {
    const { page } = await app.signIn();
    await page.getByRole('link', { name: 'Plugins' }).click();
    const probe = page.getByRole('list', { name: 'probe health' });
    const primary = probe.getByRole('listitem').filter({ hasText: 'Primary mail relay' });
    const backup = probe.getByRole('listitem').filter({ hasText: 'Backup mail relay' });
    await primary.getByText('ok', { exact: true }).waitFor();
    await primary.getByText(`127.0.0.1:${smtpPort} accepts connections`).waitFor();
    await backup.getByText('failing', { exact: true }).waitFor();
    await backup.getByText(`ECONNREFUSED 127.0.0.1:${closedPort}`).waitFor();
    await page.locator('article', { hasText: 'probe' }).getByText('1 failing').waitFor();
    await page.locator('article', { hasText: 'relay-probe' }).first().waitFor();
    await page.locator('article', { hasText: 'Yealink' }).getByText('No health checks registered.').waitFor();
    await page.locator('.card', { hasText: 'Vendor services' }).getByText('No remote vendor service is connected.').waitFor();
    await app.shot(page, 'plugins-health');
  });
});
