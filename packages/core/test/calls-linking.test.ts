import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestCore, spyEvents, type EventSpy, type TestCore, type TestUser } from '@dialbook/core/testing';
import { definePlugin, type CallDto, type CallPage, type PluginContext } from '@dialbook/core';
import { groupCalls, primaryOf, type LinkCandidate } from '../src/calls/link-rule.js';
import type { CallLinking, CallLinksView } from '../src/calls/linking.js';
import { CallLinkingToken } from '../src/calls/module.js';
import { JobsToken } from '../src/jobs/module.js';

/**
 * One call logged by several sources (a Placetel-like PBX and a Teams-like one for a forwarded call)
 * is linked as one conversation, in the background: both records stay, lists show it once with both
 * sources, `linked=all` shows both, and an admin can undo a link for good. On SQLite and PostgreSQL.
 */
let core: TestCore;
let ctx: PluginContext;
let linking: CallLinking;
let events: EventSpy<'call.linked'>;
let siteB: string;
let userA: TestUser;
let userB: TestUser;

const vendors = definePlugin({
  name: 'vendors',
  setup(c) {
    c.calls.registerSource({ id: 'pbx', label: 'Placetel-like PBX' });
    c.calls.registerSource({ id: 'teams', label: 'Teams-like' });
    c.calls.registerSource({ id: 'asterisk', label: 'Asterisk-like' });
    ctx = c as unknown as PluginContext;
  },
});

beforeAll(async () => {
  core = await createTestCore({ plugins: { vendors } });
  linking = core.dialbook.resolve(CallLinkingToken);
  // Passes run only when a test asks (`settled` starts them at once): nothing links behind a test's back.
  linking.debounceMs = 60_000;
  events = spyEvents(core, ['call.linked']);
  siteB = (await core.dialbook.sites.create({ name: 'Other site', slug: 'other', defaultCountry: 'DE' })).id;
  userA = await core.createUser({ role: 'user', siteIds: [core.site.id] });
  userB = await core.createUser({ role: 'user', siteIds: [siteB] });
});
afterAll(() => core?.close());

const at = (base: string, seconds: number) => new Date(new Date(base).getTime() + seconds * 1000);
/** One record of a call: started `start` s after `base`, answered after 2 s (unless missed), ended `end` s after base (null: not yet). */
async function record(source: string, externalId: string, number: string, base: string, start: number, end: number | null, options: { missed?: boolean; siteId?: string } = {}): Promise<CallDto> {
  const { call } = await ctx.calls.upsert(options.siteId ?? core.site.id, source, {
    externalId,
    direction: 'inbound',
    status: end === null ? 'ringing' : options.missed ? 'missed' : 'answered',
    startedAt: at(base, start),
    answeredAt: options.missed || end === null ? null : at(base, start + 2),
    endedAt: end === null ? null : at(base, end),
    remote: { number },
  });
  return call;
}
const json = async <T>(res: Response) => (await res.json()) as T;
const read = async (id: string) => json<CallDto>(await core.request(`/api/v1/calls/${id}`));
const linksOf = async (id: string, who: { request: TestCore['request'] } = core) => {
  const res = await who.request(`/api/v1/calls/${id}/links`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<CallLinksView>(res);
};
const list = async (query: string) => {
  const res = await core.request(`/api/v1/calls?siteId=${core.site.id}&${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return json<CallPage>(res).then((p) => p.items);
};
const unlinked = async (...calls: CallDto[]) => {
  for (const c of calls) expect(await read(c.id)).toMatchObject({ conversationId: null, linkPrimary: true, links: [], sources: [c.source] });
};
const setLinking = async (linking: { enabled?: boolean; windowSeconds?: number }) => {
  const res = await core.request(`/api/v1/settings/calls?siteId=${core.site.id}`, { method: 'PATCH', json: { linking } });
  expect(res.status, await res.clone().text()).toBe(200);
};

describe('linking a call across sources', () => {
  test('a Placetel-like and a Teams-like record of one call, in either order, become one conversation; not in the write path', async () => {
    const orders = [
      { base: '2026-04-01T10:00:00Z', number: '+49 30 5550001', first: 'pbx' },
      { base: '2026-04-01T11:00:00Z', number: '+49 30 5550002', first: 'teams' },
    ];
    const shapes: unknown[] = [];
    for (const o of orders) {
      const write = async (source: string) => (source === 'pbx' ? record('pbx', `p-${o.base}`, o.number, o.base, 0, 62) : record('teams', `t-${o.base}`, o.number.replace('+49 ', '0'), o.base, 3, 61));
      const a = await write(o.first);
      const b = await write(o.first === 'pbx' ? 'teams' : 'pbx');
      // Recorded, not linked yet: the pass runs after the write, never in it.
      expect([a.conversationId, b.conversationId]).toEqual([null, null]);
      await unlinked(a, b);
      await linking.settled();

      const [pbx, teams] = o.first === 'pbx' ? [a, b] : [b, a];
      const p = await read(pbx.id);
      const t = await read(teams.id);
      // The earliest record names the conversation; both answered, the PBX's is longer: it is the primary.
      expect(p).toMatchObject({ conversationId: pbx.id, linkPrimary: true, sources: ['pbx', 'teams'], links: [{ id: teams.id, source: 'teams', externalId: teams.externalId }] });
      expect(t).toMatchObject({ conversationId: pbx.id, linkPrimary: false, sources: ['teams', 'pbx'], links: [{ id: pbx.id, source: 'pbx' }] });
      expect(events.of('call.linked').filter((e) => e.conversationId === pbx.id)).toEqual([{ siteId: core.site.id, conversationId: pbx.id, ids: [pbx.id, teams.id] }]);

      // Default list: the conversation once, with both sources; linked=all: both records.
      const shown = await list(`number=${encodeURIComponent(o.number)}`);
      expect(shown.map((c) => [c.id, c.sources])).toEqual([[pbx.id, ['pbx', 'teams']]]);
      const all = await list(`number=${encodeURIComponent(o.number)}&linked=all`);
      expect(all.map((c) => c.id).sort()).toEqual([pbx.id, teams.id].sort());

      // Idempotent: another pass over them changes nothing and emits nothing.
      const before = events.of('call.linked').length;
      expect(await linking.link(core.site.id, [pbx.id, teams.id])).toMatchObject({ changed: 0 });
      expect(events.of('call.linked')).toHaveLength(before);
      shapes.push({ primary: p.linkPrimary, other: t.linkPrimary, conversationIsPbx: p.conversationId === pbx.id });
    }
    expect(shapes[0]).toEqual(shapes[1]);
  });

  test('an answered record is the primary over a longer unanswered one; a late third source joins, the earliest still names it', async () => {
    const base = '2026-04-02T09:00:00Z';
    const n = '+49 30 5550010';
    const teams = await record('teams', 'prim-t', n, base, 2, 40);
    const pbx = await record('pbx', 'prim-p', n, base, 1, 45, { missed: true });
    await linking.settled();
    expect(await read(pbx.id)).toMatchObject({ conversationId: pbx.id, linkPrimary: false });
    expect(await read(teams.id)).toMatchObject({ conversationId: pbx.id, linkPrimary: true });

    const ast = await record('asterisk', 'prim-a', n, base, 0, 50);
    await linking.settled();
    const view = await linksOf(teams.id);
    expect(view.conversationId).toBe(ast.id);
    // Both answered ones: the Asterisk record is longer (48 s against 36 s).
    expect(view.primaryId).toBe(ast.id);
    expect(view.members.map((m) => [m.call.source, m.deltaSeconds])).toEqual([['asterisk', 0], ['pbx', 1], ['teams', 2]]);
    expect((await list(`number=${encodeURIComponent(n)}`)).map((c) => [c.id, c.sources])).toEqual([[ast.id, ['asterisk', 'pbx', 'teams']]]);
    expect(events.of('call.linked').at(-1)).toEqual({ siteId: core.site.id, conversationId: ast.id, ids: [ast.id, pbx.id, teams.id] });
  });

  test('not linked: other numbers, starts further apart than the window, the same source, times that do not overlap', async () => {
    const base = '2026-04-03T08:00:00Z';
    const cases = [
      [await record('pbx', 'no-num-p', '+49 30 5550020', base, 0, 60), await record('teams', 'no-num-t', '+49 30 5550021', base, 1, 60)],
      [await record('pbx', 'no-far-p', '+49 30 5550022', base, 0, 60), await record('teams', 'no-far-t', '+49 30 5550022', base, 11, 60)],
      [await record('pbx', 'no-same-1', '+49 30 5550023', base, 0, 60), await record('pbx', 'no-same-2', '+49 30 5550023', base, 1, 60)],
      // A missed ring of one second, and the caller's next call five seconds later.
      [await record('pbx', 'no-gap-p', '+49 30 5550024', base, 0, 1, { missed: true }), await record('teams', 'no-gap-t', '+49 30 5550024', base, 6, 60)],
    ];
    await linking.settled();
    for (const pair of cases) await unlinked(...pair);
    // Within the window and without an end yet, they count as overlapping.
    const ringing = [await record('pbx', 'ring-p', '+49 30 5550025', base, 0, null), await record('teams', 'ring-t', '+49 30 5550025', base, 9, null)];
    await linking.settled();
    expect((await read(ringing[1]!.id)).conversationId).toBe(ringing[0]!.id);
  });

  test('the window is the setting; turned off, nothing new is linked and links made before stay', async () => {
    const base = '2026-04-04T08:00:00Z';
    await setLinking({ windowSeconds: 20 });
    const wide = [await record('pbx', 'win-p', '+49 30 5550030', base, 0, 60), await record('teams', 'win-t', '+49 30 5550030', base, 15, 60)];
    await linking.settled();
    expect((await read(wide[1]!.id)).conversationId).toBe(wide[0]!.id);
    expect((await linksOf(wide[0]!.id)).rule).toEqual({ enabled: true, windowSeconds: 20 });

    await setLinking({ enabled: false, windowSeconds: 10 });
    try {
      const off = [await record('pbx', 'off-p', '+49 30 5550031', base, 0, 60), await record('teams', 'off-t', '+49 30 5550031', base, 1, 60)];
      // A change to a linked record while off: its link stays as it was.
      await record('teams', 'win-t', '+49 30 5550030', base, 15, 70);
      await linking.settled();
      await unlinked(...off);
      expect((await read(wide[1]!.id)).conversationId).toBe(wide[0]!.id);
      expect((await linksOf(off[0]!.id)).rule).toEqual({ enabled: false, windowSeconds: 10 });
    } finally {
      await setLinking({ enabled: true, windowSeconds: 10 });
    }
  });

  test('DELETE /calls/{id}/links detaches a record for good: after another pass and after a re-upsert it stays alone', async () => {
    const base = '2026-04-05T08:00:00Z';
    const n = '+49 30 5550040';
    const pbx = await record('pbx', 'un-p', n, base, 0, 60);
    const teams = await record('teams', 'un-t', n, base, 2, 58);
    await linking.settled();
    expect((await read(teams.id)).conversationId).toBe(pbx.id);

    const res = await userA.request(`/api/v1/calls/${teams.id}/links`, { method: 'DELETE' });
    expect(res.status, await res.clone().text()).toBe(204);
    // One record left alone is unlinked too.
    await unlinked(pbx, teams);
    const audit = await core.dialbook.audit.list({ actions: ['call.unlinked'], page: 1, pageSize: 50 });
    expect(audit.items.filter((a) => a.targetId === teams.id)).toHaveLength(1);
    expect(audit.items.find((a) => a.targetId === teams.id)).toMatchObject({ actor: expect.stringMatching(/^apiKey:/), actorName: userA.user.email, siteId: core.site.id, detail: { conversationId: pbx.id, from: [pbx.id] } });

    await linking.settled();
    expect(await linking.link(core.site.id, [pbx.id, teams.id])).toMatchObject({ changed: 0 });
    await unlinked(pbx, teams);
    // The Teams record moves on (a later end): call.updated, another pass — still apart.
    await record('teams', 'un-t', n, base, 2, 59);
    await record('pbx', 'un-p', n, base, 0, 61);
    await linking.settled();
    await unlinked(pbx, teams);
    expect((await list(`number=${encodeURIComponent(n)}`)).map((c) => c.id).sort()).toEqual([pbx.id, teams.id].sort());

    const again = await core.request(`/api/v1/calls/${teams.id}/links`, { method: 'DELETE' });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ code: 'DIALBOOK_CALL_NOT_LINKED' });
  });

  test('unlinking one of three leaves the other two linked, with the primary chosen again', async () => {
    const base = '2026-04-06T08:00:00Z';
    const n = '+49 30 5550050';
    const ast = await record('asterisk', 'tri-a', n, base, 0, 80);
    const pbx = await record('pbx', 'tri-p', n, base, 1, 60);
    const teams = await record('teams', 'tri-t', n, base, 2, 40);
    await linking.settled();
    expect((await linksOf(teams.id)).primaryId).toBe(ast.id);

    expect((await core.request(`/api/v1/calls/${ast.id}/links`, { method: 'DELETE' })).status).toBe(204);
    await linking.settled();
    await unlinked(ast);
    const view = await linksOf(pbx.id);
    expect(view).toMatchObject({ conversationId: pbx.id, primaryId: pbx.id });
    expect(view.members.map((m) => [m.call.id, m.deltaSeconds])).toEqual([[pbx.id, 0], [teams.id, 1]]);
  });

  test('GET /calls/{id}/links of an unlinked record; another site\'s record is 404 for GET and DELETE; bad ids are 422', async () => {
    const alone = await record('pbx', 'alone', '+49 30 5550060', '2026-04-07T08:00:00Z', 0, 30);
    const view = await linksOf(alone.id, userA);
    expect(view).toMatchObject({ conversationId: null, primaryId: alone.id, rule: { enabled: true, windowSeconds: 10 } });
    expect(view.members).toEqual([{ call: await read(alone.id), deltaSeconds: 0 }]);

    const base = '2026-04-07T09:00:00Z';
    const foreign = [await record('pbx', 'f-p', '+49 30 5550061', base, 0, 60, { siteId: siteB }), await record('teams', 'f-t', '+49 30 5550061', base, 1, 60, { siteId: siteB })];
    await linking.settled();
    expect((await linksOf(foreign[1]!.id, userB)).conversationId).toBe(foreign[0]!.id);
    for (const method of ['GET', 'DELETE']) {
      const res = await userA.request(`/api/v1/calls/${foreign[1]!.id}/links`, { method });
      expect(res.status).toBe(404);
      expect(JSON.stringify(await res.json())).not.toContain('5550061');
    }
    expect((await linksOf(foreign[1]!.id, userB)).conversationId).toBe(foreign[0]!.id);
    expect((await core.request('/api/v1/calls/not-a-uuid/links')).status).toBe(422);
    expect((await core.request('/api/v1/calls/00000000-0000-4000-8000-000000000000/links')).status).toBe(404);
  });

  test('a record whose number changes leaves its conversation (a manual entry links like any source)', async () => {
    const base = '2026-04-09T08:00:00Z';
    const pbx = await record('pbx', 'move-p', '+49 30 5550080', base, 0, 60);
    const res = await core.request('/api/v1/calls', { method: 'POST', json: { siteId: core.site.id, direction: 'inbound', startedAt: at(base, 1).toISOString(), answeredAt: at(base, 3).toISOString(), endedAt: at(base, 50).toISOString(), remote: { number: '030 5550080' } } });
    expect(res.status, await res.clone().text()).toBe(201);
    const manual = await json<CallDto>(res);
    await linking.settled();
    expect(await read(manual.id)).toMatchObject({ conversationId: pbx.id, linkPrimary: false, sources: ['manual', 'pbx'] });

    const patched = await core.request(`/api/v1/calls/${manual.id}`, { method: 'PATCH', json: { remote: { number: '030 5550081' } } });
    expect(patched.status, await patched.clone().text()).toBe(200);
    await linking.settled();
    await unlinked(pbx, await read(manual.id));
  });

  test('deleting the primary record (a manual call): the conversation\'s other record is listed again, unlinked', async () => {
    const base = '2026-04-10T08:00:00Z';
    // The manual record is the longer one: the primary.
    const res = await core.request('/api/v1/calls', { method: 'POST', json: { siteId: core.site.id, direction: 'inbound', startedAt: at(base, 0).toISOString(), answeredAt: at(base, 2).toISOString(), endedAt: at(base, 90).toISOString(), remote: { number: '030 5550090' } } });
    expect(res.status, await res.clone().text()).toBe(201);
    const manual = await json<CallDto>(res);
    const pbx = await record('pbx', 'del-p', '+49 30 5550090', base, 1, 60);
    await linking.settled();
    expect(await read(manual.id)).toMatchObject({ conversationId: manual.id, linkPrimary: true, sources: ['manual', 'pbx'] });
    expect((await list('number=030 5550090')).map((c) => c.id)).toEqual([manual.id]);

    expect((await core.request(`/api/v1/calls/${manual.id}`, { method: 'DELETE' })).status).toBe(204);
    await linking.settled();
    await unlinked(pbx);
    expect((await list('number=030 5550090')).map((c) => c.id)).toEqual([pbx.id]);
  });

  test('a site with calls of one source runs no pass (no job), until a second source records a call there', async () => {
    const solo = (await core.dialbook.sites.create({ name: 'Solo', slug: 'solo', defaultCountry: 'DE' })).id;
    const jobs = core.dialbook.resolve(JobsToken);
    const passes = () => [...jobs.list().running, ...jobs.list().finished].filter((j) => j.id === `calls.link:${solo}`).length;
    const base = '2026-04-11T08:00:00Z';
    const first = await record('pbx', 'solo-1', '+49 30 5550100', base, 0, 60, { siteId: solo });
    await record('pbx', 'solo-2', '+49 30 5550100', base, 3, 60, { siteId: solo });
    await linking.settled();
    expect(passes()).toBe(0);
    const teams = await record('teams', 'solo-t', '+49 30 5550100', base, 1, 60, { siteId: solo });
    await linking.settled();
    expect(passes()).toBe(1);
    expect((await read(teams.id)).conversationId).toBe(first.id);
  });

  test('a record of another site never links with this one', async () => {
    const base = '2026-04-08T08:00:00Z';
    const mine = await record('pbx', 'cross-p', '+49 30 5550070', base, 0, 60);
    const theirs = await record('teams', 'cross-t', '+49 30 5550070', base, 1, 60, { siteId: siteB });
    await linking.settled();
    await unlinked(mine, theirs);
  });
});

describe('the rule', () => {
  const t0 = Date.parse('2026-05-01T10:00:00Z');
  const rec = (id: string, source: string, start: number, end: number | null, answered = true): LinkCandidate => ({
    id,
    source,
    remoteE164: '+4930123',
    startedAt: new Date(t0 + start * 1000),
    endedAt: end === null ? null : new Date(t0 + end * 1000),
    answeredAt: answered ? new Date(t0 + (start + 1) * 1000) : null,
    durationSeconds: end === null || !answered ? 0 : end - start - 1,
  });
  function permutations<T>(xs: T[]): T[][] {
    if (xs.length <= 1) return [xs];
    return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  }
  const ids = (groups: LinkCandidate[][]) => groups.map((g) => g.map((r) => r.id));

  test('any arrival order gives the same groups; at most one record per source; chains do not join records further apart than the window', () => {
    const records = [rec('a', 'pbx', 0, 60), rec('b', 'teams', 4, 60), rec('c', 'asterisk', 8, 60), rec('d', 'pbx', 12, 60), rec('e', 'teams', 14, 60)];
    const expected = ids(groupCalls(records, 10_000, new Set()));
    expect(expected).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    for (const p of permutations(records)) expect(ids(groupCalls(p, 10_000, new Set()))).toEqual(expected);
  });

  test('an excluded pair is never grouped; the primary rule', () => {
    expect(ids(groupCalls([rec('a', 'pbx', 0, 60), rec('b', 'teams', 1, 60), rec('c', 'asterisk', 2, 60)], 10_000, new Set(['a|b'])))).toEqual([['a', 'c'], ['b']]);
    expect(primaryOf([rec('a', 'pbx', 0, 90, false), rec('b', 'teams', 2, 30)]).id).toBe('b');
    expect(primaryOf([rec('a', 'pbx', 0, 30), rec('b', 'teams', 2, 60)]).id).toBe('b');
    expect(primaryOf([rec('b', 'pbx', 1, 31), rec('a', 'teams', 2, 32)]).id).toBe('b');
    expect(primaryOf([rec('b', 'pbx', 1, 31), rec('a', 'teams', 1, 31)]).id).toBe('a');
  });
});
