import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, testDatabaseKind } from '@dialbook/core/testing';
import { createDialbook, loadConfig, systemActor, type Dialbook } from '@dialbook/core';
import { RoutingCampaignsToken, RoutingClientsToken, RoutingDidsToken, RoutingEngineToken, RoutingLinksToken } from '../src/routing/module.js';
import { DEMO_SELLER_EMAIL } from '../src/routing/demo.js';

/**
 * Routing demo data (issue 15 item 10): with `demo: true` an empty database also gets a seller,
 * two clients, a campaign per strategy with DIDs and links — and a second start adds nothing.
 * Two starts on one database: a data directory (SQLite) or a fresh PostgreSQL database.
 */
let dir: string;
let db: { url: string; drop(): Promise<void> } | null = null;
let open: Dialbook | null = null;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialbook-routing-demo-'));
  if (testDatabaseKind() === 'postgresql') db = await createTestDatabase();
});
afterAll(async () => {
  await open?.stop();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function start(): Promise<Dialbook> {
  const config = await loadConfig({ env: {}, config: { logLevel: 'silent', demo: true, defaultCountry: 'US', database: db ? { url: db.url } : { dataDir: dir } } });
  return createDialbook(config, { migrate: true });
}

async function contents(d: Dialbook) {
  const r = d.container;
  const campaigns = await r.resolve(RoutingCampaignsToken).list();
  const links = (await Promise.all(campaigns.map((c) => r.resolve(RoutingLinksToken).forCampaign(c.id)))).flat();
  return { users: await d.accounts.listUsers(), clients: await r.resolve(RoutingClientsToken).list(), campaigns, dids: await r.resolve(RoutingDidsToken).list(), links };
}

describe('demo: true on an empty database', () => {
  test('a seller, two clients, a campaign per strategy with a DID and links; the next start adds nothing', async () => {
    open = await start();
    const first = await contents(open);
    const seller = first.users.find((u) => u.email === DEMO_SELLER_EMAIL);
    expect(seller).toMatchObject({ role: 'user', status: 'invited' });
    expect(first.clients).toHaveLength(2);
    expect(new Set(first.clients.map((c) => c.timeZone))).toEqual(new Set(['America/New_York', 'Europe/London']));
    expect(first.clients.every((c) => c.sip.host.endsWith('.example'))).toBe(true);
    expect(first.clients.every((c) => !c.sip.hasPassword)).toBe(true);
    expect(first.campaigns.map((c) => c.strategy).sort()).toEqual(['priority', 'round_robin', 'weighted']);
    expect(first.campaigns.every((c) => c.ownerId === seller!.id)).toBe(true);
    expect(first.dids).toHaveLength(3);
    expect(first.dids.every((d) => d.ownerId === seller!.id && first.campaigns.some((c) => c.id === d.campaignId))).toBe(true);
    expect(first.links).toHaveLength(6);
    const weighted = first.campaigns.find((c) => c.strategy === 'weighted')!;
    expect(first.links.filter((l) => l.campaignId === weighted.id).map((l) => l.weight).sort()).toEqual([30, 70]);

    // A decision on the priority campaign's DID routes to the always-open client first.
    const priority = first.campaigns.find((c) => c.strategy === 'priority')!;
    const did = first.dids.find((d) => d.campaignId === priority.id)!;
    const decision = await open.container.resolve(RoutingEngineToken).decide({ did: did.number, caller: '+14155550100', callId: 'demo-try-1' });
    expect(decision.action).toBe('route');
    const sunrise = first.clients.find((c) => c.timeZone === 'America/New_York')!;
    expect(decision.action === 'route' && decision.targets[0]!.clientId).toBe(sunrise.id);
    // The seller signs in through a sign-up link an administrator issues.
    const link = await open.accounts.issueInvitationLink(seller!.id, systemActor);
    expect(link.link).toMatch(/\/signup\?token=/);

    await open.stop();
    open = await start();
    const second = await contents(open);
    expect({ users: second.users.length, clients: second.clients.length, campaigns: second.campaigns.length, dids: second.dids.length, links: second.links.length })
      .toEqual({ users: first.users.length, clients: 2, campaigns: 3, dids: 3, links: 6 });
  });
});
