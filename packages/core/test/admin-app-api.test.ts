/**
 * API the admin app stands on: site countries checked against ISO 3166 (create and update), the contact
 * facets behind the list filters (scoped to the caller's sites, on the database of this pass), an invitation
 * link administrators can copy while mail is not set up, and who changed settings by e-mail.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { systemActor } from '@dialbook/core';
import { createTestCore, testDatabaseKind, type TestCore, type TestUser } from '@dialbook/core/testing';

let core: TestCore;
let other: { id: string };
let siteUser: TestUser;
let staff: TestUser;

beforeAll(async () => {
  core = await createTestCore({ config: { server: { publicUrl: 'https://dialbook.example.test' } } });
  other = await core.dialbook.sites.create({ name: 'Other site', slug: 'other', defaultCountry: 'AT' });
  const rows = [
    { siteId: core.site.id, firstName: 'Anna', lastName: 'A', department: 'Sales', tags: ['VIP', 'north'] },
    { siteId: core.site.id, firstName: 'Bernd', lastName: 'B', department: 'sales', tags: ['vip'] },
    { siteId: core.site.id, firstName: 'Cem', lastName: 'C', department: 'Support', tags: [] },
    { siteId: core.site.id, firstName: 'Dora', lastName: 'D', department: null, tags: ['north'], source: 'csv', externalId: 'd1' },
    { siteId: other.id, firstName: 'Olga', lastName: 'O', department: 'Warehouse', tags: ['foreign-tag'], source: 'ldap', externalId: 'o1' },
  ];
  for (const body of rows) await core.dialbook.contacts.create(body, systemActor);
  const gone = await core.dialbook.contacts.create({ siteId: core.site.id, firstName: 'Egon', lastName: 'E', department: 'Archive', tags: ['old'] }, systemActor);
  await core.dialbook.contacts.softDelete(gone.id, systemActor);
  siteUser = await core.createUser({ role: 'user', siteIds: [core.site.id] });
  staff = await core.createUser({ role: 'staff' });
});
afterAll(() => core?.close());

const body = async <T>(res: Response, status: number): Promise<T> => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
};
type Problem = { code: string; field?: string; detail: string; errors?: { field: string; message: string }[] };

describe(`site country (${testDatabaseKind()})`, () => {
  test('create refuses an unknown ISO code with a 422 naming defaultCountry; known codes in any case are kept upper-case', async () => {
    for (const defaultCountry of ['XX', 'ZZ', 'Germany', 'D', '12', 'AQ']) {
      const p = await body<Problem>(await core.request('/api/v1/sites', { method: 'POST', json: { name: `Bad ${defaultCountry}`, defaultCountry } }), 422);
      expect(p.field, defaultCountry).toBe('defaultCountry');
      expect(p.errors?.[0]?.message).toMatch(/^[A-Z].*\.$/); // a sentence
    }
    const site = await body<{ id: string; defaultCountry: string }>(await core.request('/api/v1/sites', { method: 'POST', json: { name: 'Berlin', defaultCountry: 'de' } }), 201);
    expect(site.defaultCountry).toBe('DE');
    expect((await core.dialbook.sites.list()).some((s) => s.defaultCountry === 'XX')).toBe(false);
  });

  test('update: name, slug and country; an unknown country is refused and nothing changes; null clears it', async () => {
    const site = await core.dialbook.sites.create({ name: 'Vienna', slug: 'vienna', defaultCountry: 'AT' });
    const bad = await body<Problem>(await core.request(`/api/v1/sites/${site.id}`, { method: 'PATCH', json: { name: 'Wien', defaultCountry: 'XX' } }), 422);
    expect(bad.field).toBe('defaultCountry');
    expect((await core.dialbook.sites.get(site.id)).name).toBe('Vienna');
    const edited = await body<{ name: string; slug: string; defaultCountry: string | null }>(await core.request(`/api/v1/sites/${site.id}`, { method: 'PATCH', json: { name: 'Wien', slug: 'wien', defaultCountry: 'ch' } }), 200);
    expect(edited).toMatchObject({ name: 'Wien', slug: 'wien', defaultCountry: 'CH' });
    const cleared = await body<{ defaultCountry: string | null }>(await core.request(`/api/v1/sites/${site.id}`, { method: 'PATCH', json: { defaultCountry: null } }), 200);
    expect(cleared.defaultCountry).toBeNull();
    const taken = await body<Problem>(await core.request(`/api/v1/sites/${site.id}`, { method: 'PATCH', json: { slug: 'other' } }), 409);
    expect(taken.field).toBe('slug');
  });
});

describe(`contact facets (${testDatabaseKind()})`, () => {
  type Facets = { departments: { value: string; count: number }[]; tags: { value: string; count: number }[]; sources: { value: string; count: number }[] };

  test("an administrator sees every site's values with counts; spellings the filter treats as one are counted together", async () => {
    const f = await body<Facets>(await core.request('/api/v1/contacts/facets'), 200);
    expect(f.departments).toEqual([
      { value: expect.stringMatching(/^[Ss]ales$/), count: 2 },
      { value: 'Support', count: 1 },
      { value: 'Warehouse', count: 1 },
    ]);
    expect(f.tags).toEqual([
      { value: 'foreign-tag', count: 1 },
      { value: 'north', count: 2 },
      { value: expect.stringMatching(/^(VIP|vip)$/), count: 2 },
    ]);
    expect(f.sources).toEqual([
      { value: 'csv', count: 1 },
      { value: 'ldap', count: 1 },
      { value: 'manual', count: 3 },
    ]);
  });

  test('siteId limits to one site; status=deleted counts the deleted; every value found filters the list to that count', async () => {
    const f = await body<Facets>(await core.request(`/api/v1/contacts/facets?siteId=${core.site.id}`), 200);
    expect(f.departments.map((d) => d.value.toLowerCase())).toEqual(['sales', 'support']);
    expect(f.sources.map((s) => s.value)).toEqual(['csv', 'manual']);
    for (const [param, list] of [['department', f.departments], ['tag', f.tags], ['source', f.sources]] as const) {
      for (const { value, count } of list) {
        const page = await body<{ total: number }>(await core.request(`/api/v1/contacts?siteId=${core.site.id}&${param}=${encodeURIComponent(value)}`), 200);
        expect(page.total, `${param}=${value}`).toBe(count);
      }
    }
    const deleted = await body<Facets>(await core.request(`/api/v1/contacts/facets?siteId=${core.site.id}&status=deleted`), 200);
    expect(deleted).toEqual({ departments: [{ value: 'Archive', count: 1 }], tags: [{ value: 'old', count: 1 }], sources: [{ value: 'manual', count: 1 }] });
  });

  test("a site-limited user sees only their sites' values; another site is a 404; bad input a 422", async () => {
    const f = await body<Facets>(await siteUser.request('/api/v1/contacts/facets'), 200);
    expect(f.departments.map((d) => d.value)).not.toContain('Warehouse');
    expect(f.tags.map((t) => t.value)).not.toContain('foreign-tag');
    expect(f.sources.map((s) => s.value)).not.toContain('ldap');
    expect((await siteUser.request(`/api/v1/contacts/facets?siteId=${other.id}`)).status).toBe(404);
    expect((await core.request('/api/v1/contacts/facets?siteId=nope')).status).toBe(422);
    expect((await core.request('/api/v1/contacts/facets?status=gone')).status).toBe(422);
    expect((await core.request('/api/v1/contacts/facets', { anonymous: true })).status).toBe(401);
  });
});

describe(`invitations without mail (${testDatabaseKind()})`, () => {
  test('GET /users says mail is not configured, and what is missing; once set, it is', async () => {
    const before = await body<{ mail: { configured: boolean; missing: string[] } }>(await core.request('/api/v1/users'), 200);
    expect(before.mail).toEqual({ configured: false, missing: ['email.smtp.host', 'email.from.address'] });
    await body(await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: 'mail.example.test' } } }), 200);
    expect((await body<{ mail: { missing: string[] } }>(await core.request('/api/v1/users'), 200)).mail.missing).toEqual(['email.from.address']);
    await body(await core.request('/api/v1/settings/email', { method: 'PATCH', json: { from: { address: 'dialbook@example.test' } } }), 200);
    expect((await body<{ mail: { configured: boolean } }>(await core.request('/api/v1/users'), 200)).mail.configured).toBe(true);
    await body(await core.request('/api/v1/settings/email', { method: 'PATCH', json: { smtp: { host: null }, from: { address: null } } }), 200);
  });

  test('an administrator gets a fresh sign-up link (earlier ones stop working), audited; staff and users may not', async () => {
    const { user, signupLink: mailed } = await core.dialbook.accounts.createUser({ email: 'pending@example.test', role: 'user', siteIds: [core.site.id] }, systemActor);
    expect((await staff.request(`/api/v1/users/${user.id}/invitation-link`, { method: 'POST' })).status).toBe(403);
    expect((await siteUser.request(`/api/v1/users/${user.id}/invitation-link`, { method: 'POST' })).status).toBe(403);
    const first = await body<{ link: string; expiresAt: string }>(await core.request(`/api/v1/users/${user.id}/invitation-link`, { method: 'POST' }), 201);
    const second = await body<{ link: string; expiresAt: string }>(await core.request(`/api/v1/users/${user.id}/invitation-link`, { method: 'POST' }), 201);
    expect(second.link).toMatch(/^https:\/\/dialbook\.example\.test\/signup\?token=/);
    expect(second.link).not.toBe(first.link);
    expect(Date.parse(second.expiresAt)).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    const signup = (link: string) => core.request('/api/v1/auth/signup', { method: 'POST', anonymous: true, json: { token: new URL(link).searchParams.get('token'), password: 'pending-password-1' } });
    expect((await signup(mailed)).status).toBe(410);
    expect((await signup(first.link)).status).toBe(410);
    expect((await signup(second.link)).status).toBe(200);
    expect((await core.request(`/api/v1/users/${user.id}/invitation-link`, { method: 'POST' })).status).toBe(409);
    const audit = await body<{ items: { actorName: string; targetId: string }[] }>(await core.request('/api/v1/audit?action=user.invite-link'), 200);
    expect(audit.items.filter((a) => a.targetId === user.id)).toHaveLength(2);
    expect(audit.items[0]!.actorName).toBe('admin@test.invalid');
    expect((await core.request('/api/v1/users/00000000-0000-4000-8000-000000000000/invitation-link', { method: 'POST' })).status).toBe(404);
  });
});

describe(`settings for people (${testDatabaseKind()})`, () => {
  test('who changed a category is named by e-mail; the e-mail schema titles every key', async () => {
    await body(await staff.request('/api/v1/settings/email'), 403);
    const admin2 = await core.createUser({ role: 'admin', email: 'second.admin@example.test' });
    const view = await body<{ updatedBy: string; updatedByName: string }>(await admin2.request('/api/v1/settings/email', { method: 'PATCH', json: { from: { name: 'Desk' } } }), 200);
    expect(view.updatedBy).toMatch(/^apiKey:/);
    expect(view.updatedByName).toBe('second.admin@example.test');
    const cats = await body<{ items: { id: string; schema: Schema }[] }>(await core.request('/api/v1/settings'), 200);
    type Schema = { title?: string; properties?: Record<string, Schema> };
    const untitled: string[] = [];
    const walk = (s: Schema, path: string[]) => {
      for (const [k, child] of Object.entries(s.properties ?? {})) {
        if (!child.title) untitled.push([...path, k].join('.'));
        walk(child, [...path, k]);
      }
    };
    walk(cats.items.find((c) => c.id === 'email')!.schema, []);
    expect(untitled).toEqual([]);
    const email = cats.items.find((c) => c.id === 'email')!.schema;
    expect(email.properties!.smtp!.title).toBe('SMTP server');
    expect(email.properties!.smtp!.properties!.rejectUnauthorized!.title).toBe('Verify the TLS certificate');
  });
});
