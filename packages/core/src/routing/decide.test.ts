import { describe, expect, test } from 'vitest';
import { decide, type DecideInput, type LiveCounters } from './decide.js';
import { NO_CAPS, type Campaign, type Link, type RoutingClient } from './model.js';
import { periodKeys } from './periods.js';
import { seededRandom } from './strategies/weighted.js';

/** A fixed clock: Monday 9 March 2026, 15:00 UTC. */
const NOW = new Date('2026-03-09T15:00:00Z');

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: 'c1', ownerId: 'seller', name: 'Solar leads', enabled: true, strategy: 'priority', ringTimeoutSeconds: 20, attempts: 3,
  duplicateWindowHours: 0, duplicateAction: 'same_client', blockAnonymous: false, ...over,
});
const client = (id: string, over: Partial<RoutingClient> = {}): RoutingClient => ({ id, name: id, timeZone: 'UTC', enabled: true, concurrencyCap: null, caps: NO_CAPS, hours: null, ...over });
const link = (id: string, clientId: string, over: Partial<Link> = {}): Link => ({
  id, campaignId: 'c1', clientId, priority: 1, weight: 1, concurrencyCap: null, caps: NO_CAPS, hours: null, minTalkSeconds: 60, enabled: true, ...over,
});

/** Counters from literal maps: `active['link:l1']`, `counts['link:l1:routed:2026-03-09']`. */
function counters(active: Record<string, number> = {}, counts: Record<string, number> = {}): LiveCounters {
  return { active: (scope, id) => active[`${scope}:${id}`] ?? 0, count: (scope, id, kind, key) => counts[`${scope}:${id}:${kind}:${key}`] ?? 0 };
}

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    now: NOW, caller: '+4930123456', campaign: campaign(), links: [link('l1', 'a'), link('l2', 'b')],
    clients: new Map([['a', client('a')], ['b', client('b')]]), live: counters(), previous: null, cursor: 0, random: seededRandom(1), ...over,
  };
}

const targetIds = (d: ReturnType<typeof decide>) => (d.action === 'route' ? d.targets.map((t) => t.linkId) : d.reason);

describe('decide', () => {
  test('priority: lower priority first, each target with the campaign ring timeout', () => {
    const d = decide(input({ links: [link('l1', 'a', { priority: 2 }), link('l2', 'b', { priority: 1 }), link('l3', 'a', { priority: 3 })] }));
    expect(d).toEqual({
      action: 'route', campaignId: 'c1', skipped: [],
      targets: [{ linkId: 'l2', clientId: 'b', ringTimeout: 20 }, { linkId: 'l1', clientId: 'a', ringTimeout: 20 }, { linkId: 'l3', clientId: 'a', ringTimeout: 20 }],
    });
  });

  test('attempts limit the targets; the rest are skipped as attempts_exhausted', () => {
    const d = decide(input({ campaign: campaign({ attempts: 1 }) }));
    expect(d).toMatchObject({ action: 'route', targets: [{ linkId: 'l1' }], skipped: [{ linkId: 'l2', reason: 'attempts_exhausted' }] });
  });

  test('round robin rotates within a priority group and fails over to the next group', () => {
    const links = [link('l1', 'a'), link('l2', 'b'), link('l3', 'a', { priority: 5 })];
    expect(targetIds(decide(input({ campaign: campaign({ strategy: 'round_robin' }), links, cursor: 0 })))).toEqual(['l1', 'l2', 'l3']);
    expect(targetIds(decide(input({ campaign: campaign({ strategy: 'round_robin' }), links, cursor: 1 })))).toEqual(['l2', 'l1', 'l3']);
  });

  test('weighted 70/30: the first target is within 1% of 70% over 100,000 decisions', () => {
    const random = seededRandom(2026);
    const links = [link('l1', 'a', { weight: 70 }), link('l2', 'b', { weight: 30 })];
    let first = 0;
    for (let i = 0; i < 100_000; i++) {
      const d = decide(input({ campaign: campaign({ strategy: 'weighted' }), links, random }));
      if (d.action === 'route' && d.targets[0]!.linkId === 'l1') first++;
    }
    expect(Math.abs(first / 100_000 - 0.7)).toBeLessThan(0.01);
  });

  test('concurrency caps of link and client skip a link with a reason', () => {
    const links = [link('l1', 'a', { concurrencyCap: 2 }), link('l2', 'b'), link('l3', 'c')];
    const clients = new Map([['a', client('a')], ['b', client('b', { concurrencyCap: 1 })], ['c', client('c')]]);
    const d = decide(input({ links, clients, live: counters({ 'link:l1': 2, 'client:b': 1, 'link:l3': 9 }) }));
    expect(d).toMatchObject({ action: 'route', targets: [{ linkId: 'l3' }], skipped: [{ linkId: 'l1', reason: 'concurrency' }, { linkId: 'l2', reason: 'client_concurrency' }] });
  });

  test('volume caps per period, counting what the cap counts; all capped rejects', () => {
    const keys = periodKeys(NOW, 'UTC');
    const links = [link('l1', 'a', { caps: { ...NO_CAPS, day: 10, countBy: 'connected' } }), link('l2', 'b', { caps: { ...NO_CAPS, total: 100 } })];
    const routedOnly = counters({}, { [`link:l1:routed:${keys.day}`]: 50 });
    expect(targetIds(decide(input({ links, live: routedOnly })))).toEqual(['l1', 'l2']);
    const full = counters({}, { [`link:l1:connected:${keys.day}`]: 10, 'link:l2:routed:total': 100 });
    expect(decide(input({ links, live: full }))).toEqual({
      action: 'reject', campaignId: 'c1', reason: 'all_capped', skipped: [{ linkId: 'l1', reason: 'cap_day' }, { linkId: 'l2', reason: 'cap_total' }],
    });
  });

  test('client caps apply across its links', () => {
    const keys = periodKeys(NOW, 'UTC');
    const clients = new Map([['a', client('a', { caps: { ...NO_CAPS, hour: 3 } })], ['b', client('b')]]);
    const d = decide(input({ clients, live: counters({}, { [`client:a:routed:${keys.hour}`]: 3 }) }));
    expect(d).toMatchObject({ action: 'route', targets: [{ linkId: 'l2' }], skipped: [{ linkId: 'l1', reason: 'client_cap_hour' }] });
  });

  test('a daily cap resets at midnight in the client zone, not in UTC', () => {
    // Client in Los Angeles with 5 calls counted on its 9 March; 07:30 UTC on 10 March is still 9 March there, 08:30 UTC is 10 March 01:30 (PDT).
    const la = new Map([['a', client('a', { timeZone: 'America/Los_Angeles' })]]);
    const links = [link('l1', 'a', { caps: { ...NO_CAPS, day: 5 } })];
    const live = counters({}, { 'link:l1:routed:2026-03-09': 5 });
    expect(targetIds(decide(input({ links, clients: la, live, now: new Date('2026-03-10T06:59:00Z') })))).toBe('all_capped');
    expect(targetIds(decide(input({ links, clients: la, live, now: new Date('2026-03-10T07:00:00Z') })))).toEqual(['l1']);
    // The same counts for a client in UTC reset at 00:00 UTC.
    const utc = new Map([['a', client('a')]]);
    expect(targetIds(decide(input({ links, clients: utc, live, now: new Date('2026-03-09T23:59:00Z') })))).toBe('all_capped');
    expect(targetIds(decide(input({ links, clients: utc, live, now: new Date('2026-03-10T00:00:00Z') })))).toEqual(['l1']);
  });

  test('a monthly cap resets on the local 1st', () => {
    const clients = new Map([['a', client('a', { timeZone: 'Asia/Tokyo' })]]);
    const links = [link('l1', 'a', { caps: { ...NO_CAPS, month: 1 } })];
    const live = counters({}, { 'link:l1:routed:2026-03': 1 });
    expect(targetIds(decide(input({ links, clients, live, now: new Date('2026-03-31T14:59:00Z') })))).toBe('all_capped'); // 23:59 JST
    expect(targetIds(decide(input({ links, clients, live, now: new Date('2026-03-31T15:00:00Z') })))).toEqual(['l1']); // 1 April 00:00 JST
  });

  test('hours across a DST change: closed links are skipped, all closed rejects as closed', () => {
    const hours = { weekly: [{ day: 1, from: '09:00', to: '17:00' }], exceptions: [] };
    const clients = new Map([['a', client('a', { timeZone: 'America/New_York' })], ['b', client('b', { timeZone: 'America/New_York', hours })]]);
    const links = [link('l1', 'a', { hours }), link('l2', 'b')];
    // Monday 2 March (EST): 09:00 local is 14:00 UTC. Monday 9 March (EDT): 09:00 local is 13:00 UTC.
    expect(targetIds(decide(input({ links, clients, now: new Date('2026-03-02T13:30:00Z') })))).toBe('closed');
    expect(decide(input({ links, clients, now: new Date('2026-03-02T13:30:00Z') }))).toMatchObject({ skipped: [{ linkId: 'l1', reason: 'closed' }, { linkId: 'l2', reason: 'client_closed' }] });
    expect(targetIds(decide(input({ links, clients, now: new Date('2026-03-09T13:30:00Z') })))).toEqual(['l1', 'l2']);
  });

  test('duplicate caller within the window: rejected, or sent to the same client', () => {
    const previous = { clientId: 'b', at: new Date(NOW.getTime() - 3 * 3_600_000) };
    expect(decide(input({ campaign: campaign({ duplicateWindowHours: 4, duplicateAction: 'reject' }), previous }))).toEqual({ action: 'reject', campaignId: 'c1', reason: 'duplicate_blocked', skipped: [] });
    expect(decide(input({ campaign: campaign({ duplicateWindowHours: 4 }), previous }))).toMatchObject({ action: 'route', targets: [{ linkId: 'l2', clientId: 'b' }], skipped: [{ linkId: 'l1', reason: 'duplicate_other_client' }] });
    // Outside the window (or no window), the caller is new.
    expect(targetIds(decide(input({ campaign: campaign({ duplicateWindowHours: 2, duplicateAction: 'reject' }), previous })))).toEqual(['l1', 'l2']);
    expect(targetIds(decide(input({ campaign: campaign({ duplicateWindowHours: 0, duplicateAction: 'reject' }), previous })))).toEqual(['l1', 'l2']);
  });

  test('same client but that client is capped: the caller is not sent elsewhere', () => {
    const previous = { clientId: 'b', at: NOW };
    const d = decide(input({ campaign: campaign({ duplicateWindowHours: 4 }), previous, links: [link('l1', 'a'), link('l2', 'b', { concurrencyCap: 1 })], live: counters({ 'link:l2': 1 }) }));
    expect(d).toMatchObject({ action: 'reject', reason: 'all_capped' });
    const gone = decide(input({ campaign: campaign({ duplicateWindowHours: 4 }), previous, links: [link('l1', 'a')] }));
    expect(gone).toMatchObject({ action: 'reject', reason: 'duplicate_blocked' });
  });

  test('anonymous callers are blocked when the campaign says so, and routed otherwise', () => {
    for (const caller of [null, '', 'anonymous', 'Restricted']) {
      expect(decide(input({ caller, campaign: campaign({ blockAnonymous: true }) }))).toEqual({ action: 'reject', campaignId: 'c1', reason: 'anonymous_blocked', skipped: [] });
      expect(decide(input({ caller, previous: { clientId: 'b', at: NOW }, campaign: campaign({ duplicateWindowHours: 4, duplicateAction: 'reject' }) })).action).toBe('route');
    }
  });

  test('no campaign, a disabled one, or no enabled links reject with a reason', () => {
    expect(decide(input({ campaign: null }))).toEqual({ action: 'reject', campaignId: null, reason: 'no_campaign', skipped: [] });
    expect(decide(input({ campaign: campaign({ enabled: false }) }))).toMatchObject({ action: 'reject', campaignId: 'c1', reason: 'no_campaign' });
    const clients = new Map([['a', client('a', { enabled: false })], ['b', client('b')]]);
    expect(decide(input({ clients, links: [link('l1', 'a'), link('l2', 'b', { enabled: false })] }))).toEqual({
      action: 'reject', campaignId: 'c1', reason: 'no_links', skipped: [{ linkId: 'l1', reason: 'client_disabled' }, { linkId: 'l2', reason: 'link_disabled' }],
    });
    expect(decide(input({ links: [] }))).toMatchObject({ action: 'reject', reason: 'no_links' });
  });
});
