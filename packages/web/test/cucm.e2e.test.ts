/**
 * Chromium: `@dialbook/plugin-cucm` in the admin app (issue 12, "Done when": fetch PIN, email PIN and phone
 * lookup). No CUCM can run here, so the CUCM is the plugin's protocol-level test double
 * (`@dialbook/plugin-cucm/test-double`): AXL served with `soap.listen()` from Cisco's AXL 14.0 WSDL and
 * RisPort70 after its published WSDL, over HTTPS with a test CA, answering in Cisco's style from an in-memory
 * cluster. The core's `cucm` settings point at it through the API.
 *
 * On a contact's page: "Fetch PIN from CUCM" stores the person's FAC code as the secret PIN (masked, revealed
 * on Reveal, hidden on Hide; History shows the change, never the PIN), which turns "Email PIN" on; "Email PIN"
 * sends the mail (it arrives at a real SMTP server with the PIN) and History says "PIN e-mailed", and is
 * disabled with the reason for a contact without an e-mail address; "Refresh phones" brings the CUCM phones
 * panel with the user's phones. From **Tools**, "Phone by MAC" finds a phone written `001a.2b3c.4d5e`
 * (device, model, lines, registration badge); an unknown MAC shows the route's message as the empty state, a
 * malformed one the API's 422, and with RisPort's budget used up the rows come with the route's note.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { systemActor, type ContactDto } from '@dialbook/core';
import { eventually } from '@dialbook/core/testing';
import cucmPlugin from '@dialbook/plugin-cucm';
import { startCucmDouble, type CucmDouble } from '@dialbook/plugin-cucm/test-double';
import { browserSuite, type RunningApp } from './support/app.js';

const PIN = '73918264';
const ANA_PIN = '48151623';
const NILS_PIN = '27182818';
const PIN_LABEL = 'PIN (forced authorization code)';
const MAC = '001a.2b3c.4d5e';
const DEVICE = 'SEP001A2B3C4D5E';

let cucm: CucmDouble;

/** Point the core's shared `cucm` settings at the double (host, port, AXL user and password, its CA), with `more`. */
async function configure(app: RunningApp, more: Record<string, unknown> = {}): Promise<void> {
  const res = await app.core.request('/api/v1/settings/cucm', { method: 'PATCH', json: { ...cucm.connection, ...more } });
  if (res.status !== 200) throw new Error(`setting up cucm: ${res.status} ${await res.text()}`);
}

/** The in-memory cluster: two users with their phones (one registered, one a Jabber client never registered) and John's FAC. */
function seed(double: CucmDouble): void {
  const now = Math.floor(Date.now() / 1000);
  const { data } = double;
  data.addUser({ userid: 'jdoe', firstName: 'John', lastName: 'Doe', mail: 'john.doe@example.net', associatedDevices: [DEVICE] });
  data.addPhone({
    name: DEVICE,
    model: 'Cisco 8851',
    product: 'Cisco 8851',
    description: 'John Doe, desk',
    devicePool: 'DP_Berlin',
    owner: 'jdoe',
    lines: [
      { index: 1, dn: '2001', partition: 'PT_Internal', label: 'John Doe' },
      { index: 2, dn: '2099', partition: 'PT_Internal', label: 'Sales queue' },
    ],
    registrations: [{ node: 'cucm-sub1', status: 'Registered', ip: '10.1.2.3', activeLoad: 'sip88xx.14-2-1-0001-14', timestamp: now - 120 }],
  });
  data.addFac({ name: 'jdoe', code: PIN, authorizationLevel: 20 });
  data.addUser({ userid: 'mmuster', firstName: 'Max', lastName: 'Muster', associatedDevices: ['SEP00AABBCCDDEE', 'CSFMMUSTER'] });
  data.addPhone({
    name: 'SEP00AABBCCDDEE',
    model: 'Cisco 7841',
    product: 'Cisco 7841',
    description: 'Max Muster, desk',
    owner: 'mmuster',
    lines: [{ index: 1, dn: '3001', partition: 'PT_Internal', label: 'Max Muster' }],
    registrations: [{ node: 'cucm-sub2', status: 'Registered', ip: '10.1.3.7', activeLoad: 'sip78xx.14-2-1-0001-14', timestamp: now - 300 }],
  });
  data.addPhone({ name: 'CSFMMUSTER', model: 'Cisco Unified Client Services Framework', product: 'Cisco Unified Client Services Framework', description: 'Max Muster, Jabber', lines: [{ index: 1, dn: '3001', partition: 'PT_Internal' }] });
}

browserSuite('CUCM plugin', { plugins: { cucm: cucmPlugin }, mail: true }, (app) => {
  const people: Record<string, ContactDto> = {};
  beforeAll(async () => {
    cucm = await startCucmDouble();
    seed(cucm);
    await configure(app);
    const add = async (key: string, body: Record<string, unknown>) => (people[key] = await app.core.dialbook.contacts.create({ siteId: app.core.site.id, department: 'Sales', ...body }, systemActor));
    await add('john', { firstName: 'John', lastName: 'Doe', emails: ['john.doe@example.net'], attributes: { ldap: { uid: 'jdoe' } } });
    await add('ana', { firstName: 'Ana', lastName: 'Lima', emails: ['ana.lima@example.net'], attributes: { ldap: { uid: 'alima' } } });
    await add('nils', { firstName: 'Nils', lastName: 'Nomail', attributes: { ldap: { uid: 'nnomail' } } });
    await add('max', { firstName: 'Max', lastName: 'Muster', attributes: { ldap: { uid: 'mmuster' } } });
    await app.core.dialbook.contacts.setSecret(people.ana!.id, 'cucm.pin', ANA_PIN, systemActor);
    await app.core.dialbook.contacts.setSecret(people.nils!.id, 'cucm.pin', NILS_PIN, systemActor);
  });
  afterAll(() => cucm?.close());

  test('Fetch PIN from CUCM: the result, the PIN masked, revealed and hidden again, History without it', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.goto(`${app.base}/contacts/${people.john!.id}`);
    const actions = page.locator('.contact-actions');
    const secrets = page.getByRole('region', { name: 'Secrets' });
    const row = secrets.getByRole('listitem', { name: PIN_LABEL });
    await row.getByText('not set').waitFor();
    // No PIN yet: Email PIN does not apply.
    const emailPin = actions.getByRole('button', { name: 'Email PIN', exact: true });
    await emailPin.waitFor();
    expect(await emailPin.isDisabled()).toBe(true);
    await actions.getByText('Not available: The contact has no cucm.pin attribute.').waitFor();

    await actions.getByRole('button', { name: 'Fetch PIN from CUCM' }).click();
    await actions.getByRole('status', { name: 'Fetch PIN from CUCM result' }).getByText('PIN fetched from CUCM (FAC "jdoe") and stored.').waitFor();
    expect(cucm.lastRequest('getFacInfo')?.body).toContain('<name>jdoe</name>');
    await row.getByText('set just now').waitFor();
    await row.getByText('••••••', { exact: true }).waitFor();
    // The contact and its actions were read again: Email PIN applies now.
    await expect.poll(() => emailPin.isDisabled()).toBe(false);
    const history = page.getByRole('list', { name: 'History' });
    const change = history.getByRole('listitem').filter({ hasText: 'cucm.pin' }).first();
    await change.getByText('•••••• (secret)').waitFor();
    await change.getByText(/^by /).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(PIN);
    await app.shot(page, 'cucm-fetch-pin');

    await row.getByRole('button', { name: `Reveal ${PIN_LABEL}` }).click();
    await row.getByLabel(`${PIN_LABEL} value`).getByText(PIN, { exact: true }).waitFor();
    expect(page.url()).not.toContain(PIN);
    await row.getByRole('button', { name: `Hide ${PIN_LABEL}` }).click();
    await row.getByText('••••••', { exact: true }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(PIN);
    expect(await app.core.dialbook.contacts.getSecret(people.john!.id, 'cucm.pin')).toBe(PIN);
  });

  test('Email PIN: the mail with the PIN arrives, History says "PIN e-mailed"; without an e-mail address it is disabled with the reason', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.goto(`${app.base}/contacts/${people.ana!.id}`);
    const actions = page.locator('.contact-actions');
    await actions.getByRole('button', { name: 'Email PIN', exact: true }).click();
    await actions.getByRole('status', { name: 'Email PIN result' }).getByText('PIN e-mailed to ana.lima@example.net').waitFor();
    const history = page.getByRole('list', { name: 'History' });
    const note = history.getByRole('listitem').filter({ hasText: 'PIN e-mailed to ana.lima@example.net' });
    await note.getByText('cucm.pin-mail', { exact: true }).waitFor();
    await note.getByText(/^by /).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(ANA_PIN);
    await app.shot(page, 'cucm-email-pin');

    await app.core.dialbook.mail.flush();
    const mail = await eventually('the PIN mail', () => app.smtp.to('ana.lima@example.net')[0], { interval: 100 });
    expect(mail.headers.subject).toBe('Your PIN for telephone calls');
    expect(mail.text).toContain('Hello Ana Lima,');
    expect(mail.text).toContain(`your PIN (forced authorization code) is: ${ANA_PIN}`);

    await page.goto(`${app.base}/contacts/${people.nils!.id}`);
    const theirs = page.locator('.contact-actions');
    const button = theirs.getByRole('button', { name: 'Email PIN', exact: true });
    await button.waitFor();
    expect(await button.isDisabled()).toBe(true);
    await theirs.getByText('Not available: The contact has no e-mail address.').waitFor();
  });

  test("Refresh phones brings the contact's CUCM phones panel with the user's phones", async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.goto(`${app.base}/contacts/${people.max!.id}`);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    // No CUCM user id known yet (cucm.userId comes with enrichment): no panel.
    expect(await page.getByRole('region', { name: 'CUCM phones' }).count()).toBe(0);
    const actions = page.locator('.contact-actions');
    await actions.getByRole('button', { name: 'Refresh phones' }).click();
    await actions.getByRole('status', { name: 'Refresh phones result' }).getByText('Phones and PIN refreshed from CUCM.').waitFor();

    const panel = page.getByRole('region', { name: 'CUCM phones' });
    const desk = panel.locator('tbody tr', { hasText: 'SEP00AABBCCDDEE' });
    await desk.waitFor();
    expect(await desk.locator('.badge').getAttribute('class')).toBe('badge ok');
    expect(await desk.locator('.badge').textContent()).toBe('Registered');
    await desk.getByText('Cisco 7841', { exact: true }).waitFor();
    expect(await desk.getByRole('listitem').allTextContents()).toEqual(['3001 (PT_Internal)']); // the phones of a user: DN and partition
    await desk.getByText('associated, owner', { exact: true }).waitFor();
    const jabber = panel.locator('tbody tr', { hasText: 'CSFMMUSTER' });
    await jabber.locator('.badge', { hasText: 'Not registered' }).waitFor();
    await jabber.getByText('associated', { exact: true }).waitFor();
    expect(await panel.locator('tbody tr').count()).toBe(2);
    await panel.getByRole('button', { name: 'Refresh CUCM phones' }).click();
    await desk.waitFor();
    // The enriched attributes (cucm.phones as JSON) wrap in their cards: the page does not scroll sideways.
    await page.getByText('cucm.phonesUpdatedAt').first().waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBe(0);
    await app.shot(page, 'cucm-contact-phones');
  });

  test('Phone by MAC from Tools: any written form, the row with model, lines and badge; unknown, malformed, and a note from the route', async () => {
    const { page } = await app.signIn({ role: 'staff' });
    await page.getByRole('group', { name: 'Tools' }).getByRole('link', { name: 'Phone by MAC' }).click();
    await page.getByRole('heading', { level: 1, name: 'Phone by MAC' }).waitFor();
    const form = page.getByRole('form', { name: 'Phone by MAC' });
    const field = form.getByLabel('MAC address (required)');
    const lookUp = form.getByRole('button', { name: 'Look up' });
    await field.fill(MAC);
    await lookUp.click();
    const table = page.getByRole('table', { name: 'Phone by MAC' });
    const row = table.locator('tbody tr', { hasText: DEVICE });
    await row.waitFor();
    expect(await row.locator('code').first().textContent()).toBe(DEVICE);
    await row.getByText('00:1A:2B:3C:4D:5E', { exact: true }).waitFor();
    await row.getByText('Cisco 8851', { exact: true }).waitFor();
    await row.getByText('DP_Berlin', { exact: true }).waitFor();
    expect(await row.getByRole('listitem').allTextContents()).toEqual(['2001 (PT_Internal) John Doe', '2099 (PT_Internal) Sales queue']);
    const badge = row.locator('.badge');
    expect(await badge.textContent()).toBe('Registered');
    expect(await badge.getAttribute('class')).toBe('badge ok');
    await row.getByText('10.1.2.3', { exact: true }).waitFor();
    await row.getByText('sip88xx.14-2-1-0001-14', { exact: true }).waitFor();
    expect(await row.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.getByRole('note').count()).toBe(0);
    expect(new URL(page.url()).search).toBe(`?mac=${encodeURIComponent(MAC)}`);
    expect(cucm.lastRequest('getPhone')?.soapAction).toMatch(/^CUCM:DB ver=\d+\.\d getPhone$/);
    await app.shot(page, 'cucm-phone-lookup');

    // Unknown: the route's message is the empty state.
    await field.fill('00:00:00:00:ff:ff');
    await lookUp.click();
    await page.locator('.state.empty').getByText('CUCM has no phone SEP00000000FFFF.', { exact: true }).waitFor();
    expect(await table.count()).toBe(0);

    // Malformed: the API's 422 in words.
    app.expected.add('422 /api/v1/plugins/cucm/phones/lookup');
    await field.fill('00:1a:2b');
    await lookUp.click();
    await page.getByRole('alert').getByText(/^Invalid MAC address: .*has 6 hex digits; a MAC address has 12/).waitFor();

    // RisPort's budget used up (one request a minute): the row comes at once, without its state, and the route's note above it.
    await configure(app, { risport: { perMinute: 1 } });
    try {
      await field.fill(MAC);
      for (let i = 0; i < 2; i++) {
        await lookUp.click(); // the first may take this minute's one slot
        await row.waitFor();
        await form.getByRole('button', { name: 'Look up', exact: true }).waitFor(); // not "Looking up…"
      }
      await row.locator('.badge', { hasText: 'Status unavailable' }).waitFor();
      await page.getByRole('note', { name: 'Phone by MAC: note' }).getByText(/^Registration state unavailable: RisPort's rate limit \(1 requests a minute/).waitFor();
    } finally {
      await configure(app, { risport: { perMinute: 15 } });
    }
  });
});
