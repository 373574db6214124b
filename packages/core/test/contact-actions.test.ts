/**
 * Contact and bulk actions (issue 12, items 3 and 6): a plugin's `scope: 'contact'` action runs for
 * one contact from its page, a `scope: 'contacts'` action over a filter or a phonebook as a tracked
 * job with a report per contact. Only staff and administrators run them, only for contacts the
 * caller may see (read through the contacts service in the caller's scope, as the contacts routes
 * do), and only where the action's `when` holds (422 naming why).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, systemActor, type ContactActionInput, type ContactDto, type SiteDto } from '@dialbook/core';
import { createTestCore, eventually, type TestCore, type TestUser } from '@dialbook/core/testing';
import { runWithAccess } from '../src/base/access.js';
import { contactActions, runContactAction } from '../src/host/contact-actions.js';

type Job = { id: string; status: string; done: number; total: number | null; message: string | null; result: unknown };
type Report = { action: string; job: string; total: number; succeeded: number; failed: number; skipped: number; items: { contactId: string; name: string; ok: boolean; skipped: boolean; message: string }[] };
type ActionView = { id: string; label: string; plugin: string; enabled: boolean; reason: string | null };

let core: TestCore;
let branch: SiteDto;
const runs: ContactActionInput[] = [];
/** When set, the bulk action waits here before its third contact. */
let gate: { entered: () => void; released: Promise<void> } | undefined;

const crm = definePlugin({
  name: 'crm',
  setup(ctx) {
    ctx.actions.register({ id: 'greet', label: 'Greet', scope: 'contact', when: { hasEmail: true }, run: async (input) => (runs.push(input), { ok: true, message: `hello ${input.contact.displayName}` }) });
    ctx.actions.register({ id: 'pin', label: 'Show PIN', scope: 'contact', when: { hasAttribute: ['crm.pin'] }, run: async ({ contact }) => ({ ok: true, message: `PIN of ${contact.displayName} is set` }) });
    ctx.actions.register({ id: 'local', label: 'Local only', scope: 'contact', sites: () => [core.site.id], run: async () => ({ ok: true, message: 'local' }) });
    ctx.actions.register({
      id: 'mail-all',
      label: 'Mail everyone',
      scope: 'contacts',
      when: { hasEmail: true },
      async run({ contact }) {
        if (runs.filter((r) => r.contact.department === contact.department).length === 2 && gate) {
          gate.entered();
          await gate.released;
        }
        runs.push({ contact } as ContactActionInput);
        if (contact.firstName === 'Fail') throw new Error('the mail server said no');
        return { ok: true, message: `mailed ${contact.emails[0]}` };
      },
    });
    ctx.actions.register({ id: 'about', label: 'About', run: async () => ({ ok: true, message: 'hello' }) });
  },
});

const add = (siteId: string, body: Record<string, unknown>) => core.dialbook.contacts.create({ siteId, ...body }, systemActor);
const post = (path: string, json?: unknown, as: TestUser['request'] = core.request) => as(path, { method: 'POST', ...(json === undefined ? {} : { json }) });
const actionsOf = async (id: string) => (await (await core.request(`/api/v1/contacts/${id}/actions`)).json()) as { items: ActionView[] };

let ana: ContactDto;
let bob: ContactDto;
let far: ContactDto;
beforeAll(async () => {
  core = await createTestCore({ plugins: { crm } });
  branch = await core.dialbook.sites.create({ name: 'Branch', slug: 'branch', defaultCountry: 'DE' });
  ana = await add(core.site.id, { firstName: 'Ana', lastName: 'Lima', emails: ['ana@example.net'], attributes: { crm: { pin: '1234' } } });
  bob = await add(core.site.id, { firstName: 'Bob', lastName: 'Noemail' });
  far = await add(branch.id, { firstName: 'Far', lastName: 'Away', emails: ['far@example.net'] });
});
afterAll(() => core?.close());

describe('a contact action', () => {
  test('is described for the admin app with its scope and condition', async () => {
    const { items } = (await (await core.request('/api/v1/plugins')).json()) as { items: { id: string; actions: { id: string; scope: string; when: unknown }[] }[] };
    expect(items.find((p) => p.id === 'crm')!.actions).toEqual([
      expect.objectContaining({ id: 'crm.greet', scope: 'contact', when: { hasEmail: true } }),
      expect.objectContaining({ id: 'crm.pin', scope: 'contact', when: { hasAttribute: ['crm.pin'] } }),
      expect.objectContaining({ id: 'crm.local', scope: 'contact', when: null }),
      expect.objectContaining({ id: 'crm.mail-all', scope: 'contacts', when: { hasEmail: true } }),
      expect.objectContaining({ id: 'crm.about', scope: 'plugin', when: null }),
    ]);
  });

  test("is listed on the contact's page, disabled with the reason where it does not apply", async () => {
    expect((await actionsOf(ana.id)).items).toEqual([
      { id: 'crm.greet', label: 'Greet', description: null, plugin: 'crm', enabled: true, reason: null },
      { id: 'crm.pin', label: 'Show PIN', description: null, plugin: 'crm', enabled: true, reason: null },
      { id: 'crm.local', label: 'Local only', description: null, plugin: 'crm', enabled: true, reason: null },
    ]);
    expect((await actionsOf(bob.id)).items.map((a) => [a.id, a.reason])).toEqual([
      ['crm.greet', 'the contact has no e-mail address'],
      ['crm.pin', 'the contact has no crm.pin attribute'],
      ['crm.local', null],
    ]);
    expect((await actionsOf(far.id)).items.find((a) => a.id === 'crm.local')).toMatchObject({ enabled: false, reason: "the action is not set up for this contact's site" });
  });

  test('runs for the contact with its id, site, the caller and the contact', async () => {
    const res = await post(`/api/v1/contacts/${ana.id}/actions/crm.greet`);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ ok: true, message: 'hello Ana Lima' });
    expect(runs.at(-1)).toMatchObject({ contactId: ana.id, siteId: core.site.id, actor: { type: 'apiKey', name: 'admin@test.invalid' }, contact: { id: ana.id, emails: ['ana@example.net'] } });
  });

  test('is refused (422, saying why) for a contact it does not apply to, and never run', async () => {
    const before = runs.length;
    for (const [contact, action, why] of [
      [bob, 'crm.greet', 'the contact has no e-mail address'],
      [bob, 'crm.pin', 'the contact has no crm.pin attribute'],
      [far, 'crm.local', "the action is not set up for this contact's site"],
    ] as const) {
      const res = await post(`/api/v1/contacts/${contact.id}/actions/${action}`);
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'DIALBOOK_ACTION_NOT_APPLICABLE', detail: expect.stringContaining(why), details: { reason: why, contactId: contact.id } });
    }
    const gone = await add(core.site.id, { firstName: 'Gone', emails: ['gone@example.net'] });
    await core.dialbook.contacts.softDelete(gone.id, systemActor);
    expect(await (await post(`/api/v1/contacts/${gone.id}/actions/crm.greet`)).json()).toMatchObject({ code: 'DIALBOOK_ACTION_NOT_APPLICABLE', details: { reason: 'the contact is deleted' } });
    expect(runs.length).toBe(before);
  });

  test('is refused for an unknown contact or action (404) and through the route of another scope (422)', async () => {
    expect((await post(`/api/v1/contacts/${crypto.randomUUID()}/actions/crm.greet`)).status).toBe(404);
    expect((await post(`/api/v1/contacts/${ana.id}/actions/crm.nope`)).status).toBe(404);
    for (const path of [`/api/v1/contacts/${ana.id}/actions/crm.mail-all`, `/api/v1/contacts/${ana.id}/actions/crm.about`, '/api/v1/actions/crm.greet']) {
      const res = await post(path);
      expect(res.status, path).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'DIALBOOK_ACTION_SCOPE' });
    }
    expect(await (await post('/api/v1/actions/crm.greet/bulk', { filter: {} })).json()).toMatchObject({ code: 'DIALBOOK_ACTION_SCOPE', detail: expect.stringContaining(`/contacts/{id}/actions/crm.greet`) });
  });

  test('is only for staff and administrators: a user is refused (403), also in their own site', async () => {
    const user = await core.createUser({ role: 'user', siteIds: [core.site.id] });
    const before = runs.length;
    expect((await user.request(`/api/v1/contacts/${ana.id}/actions`)).status).toBe(403);
    expect((await post(`/api/v1/contacts/${ana.id}/actions/crm.greet`, undefined, user.request)).status).toBe(403);
    expect((await post('/api/v1/actions/crm.mail-all/bulk', { filter: {} }, user.request)).status).toBe(403);
    const staff = await core.createUser({ role: 'staff' });
    expect((await post(`/api/v1/contacts/${ana.id}/actions/crm.greet`, undefined, staff.request)).status).toBe(200);
    expect(runs.length).toBe(before + 1);
  });

  test("a caller limited to some sites gets 404 for another site's contact, as GET /contacts/{id} answers", async () => {
    const deps = { actions: core.dialbook.registries.actions, contacts: core.dialbook.contacts };
    const limited = <T>(fn: () => Promise<T>) => runWithAccess({ role: 'staff', userId: null, siteIds: new Set([core.site.id]) }, fn);
    await expect(limited(() => contactActions(deps, far.id))).rejects.toMatchObject({ status: 404, code: 'DIALBOOK_NOT_FOUND' });
    await expect(limited(() => runContactAction(deps, far.id, 'crm.greet', systemActor))).rejects.toMatchObject({ status: 404 });
    await expect(limited(() => core.dialbook.contacts.get(far.id))).rejects.toMatchObject({ status: 404 });
    expect(await limited(() => runContactAction(deps, ana.id, 'crm.greet', systemActor))).toMatchObject({ ok: true });
  });
});

describe('a bulk action', () => {
  const jobs = async () => (await (await core.request('/api/v1/jobs')).json()) as { running: Job[]; finished: Job[] };

  test('runs over a filter as a tracked job with progress, and reports each contact', async () => {
    const sales: ContactDto[] = [];
    for (let i = 0; i < 8; i++) sales.push(await add(core.site.id, { firstName: i === 5 ? 'Fail' : `Seller${i}`, lastName: `Sales${i}`, department: 'Sales', emails: i === 3 ? [] : [`s${i}@example.net`] }));
    await add(branch.id, { firstName: 'Other', lastName: 'Department', department: 'Support', emails: ['o@example.net'] });
    runs.length = 0;
    let entered!: () => void;
    let release!: () => void;
    const waiting = new Promise<void>((r) => (entered = r));
    gate = { entered: () => entered(), released: new Promise<void>((r) => (release = r)) };
    try {
      const running = post('/api/v1/actions/crm.mail-all/bulk', { filter: { department: 'sales' } });
      await waiting;
      const job = await eventually('the running job', async () => (await jobs()).running.find((j) => j.id === 'crm.mail-all:bulk'));
      expect(job).toMatchObject({ status: 'running', total: 8 });
      expect(job.done).toBeGreaterThanOrEqual(2);
      expect(job.done).toBeLessThan(8);
      const twice = await post('/api/v1/actions/crm.mail-all/bulk', { filter: { department: 'Sales' } });
      expect(twice.status).toBe(409);
      expect(await twice.json()).toMatchObject({ code: 'DIALBOOK_JOB_RUNNING' });
      release();
      const res = await running;
      expect(res.status, await res.clone().text()).toBe(200);
      const report = (await res.json()) as Report;
      expect(report).toMatchObject({ action: 'crm.mail-all', job: 'crm.mail-all:bulk', total: 8, succeeded: 6, failed: 1, skipped: 1 });
      expect(report.items.map((i) => i.contactId).sort()).toEqual(sales.map((c) => c.id).sort());
      expect(report.items.find((i) => i.contactId === sales[3]!.id)).toEqual({ contactId: sales[3]!.id, name: 'Seller3 Sales3', ok: false, skipped: true, message: 'the contact has no e-mail address' });
      expect(report.items.find((i) => i.contactId === sales[5]!.id)).toEqual({ contactId: sales[5]!.id, name: 'Fail Sales5', ok: false, skipped: false, message: 'the mail server said no' });
      expect(report.items.find((i) => i.contactId === sales[0]!.id)).toMatchObject({ ok: true, message: 'mailed s0@example.net' });
      const finished = (await jobs()).finished.find((j) => j.id === 'crm.mail-all:bulk');
      expect(finished).toMatchObject({ status: 'succeeded', done: 8, total: 8, message: '1 failed', result: { total: 8, succeeded: 6, failed: 1, skipped: 1, truncated: false } });
    } finally {
      gate = undefined;
      release?.();
    }
  });

  test("runs over a phonebook's members", async () => {
    const vip = await add(branch.id, { firstName: 'Vip', lastName: 'One', tags: ['vip'], emails: ['vip@example.net'] });
    const pb = await core.dialbook.phonebooks.create({ siteId: branch.id, name: 'VIPs', filter: { tag: 'vip' } });
    await core.dialbook.phonebooks.addMembers(pb.id, [far.id]);
    const report = (await (await post('/api/v1/actions/crm.mail-all/bulk', { phonebookId: pb.id })).json()) as Report;
    expect(report).toMatchObject({ total: 2, succeeded: 2 });
    expect(report.items.map((i) => i.name).sort()).toEqual(['Far Away', 'Vip One']);
    expect(report.items.map((i) => i.contactId)).toContain(vip.id);
  });

  test('takes a phonebook or a filter, not both or neither (422); an unknown phonebook is 404', async () => {
    for (const body of [{}, { phonebookId: crypto.randomUUID(), filter: {} }]) {
      const res = await post('/api/v1/actions/crm.mail-all/bulk', body);
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ field: 'phonebookId' });
    }
    expect((await post('/api/v1/actions/crm.mail-all/bulk', { phonebookId: crypto.randomUUID() })).status).toBe(404);
    expect((await post('/api/v1/actions/crm.nope/bulk', { filter: {} })).status).toBe(404);
  });
});
