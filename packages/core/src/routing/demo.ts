import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { UserEntity } from '../accounts/entities.js';
import type { AccountService } from '../accounts/service.js';
import { systemActor } from '../base/actor.js';
import { parseInput } from '../base/validate.js';
import type { CampaignService } from './campaigns.js';
import type { ClientService } from './clients.js';
import type { DidService } from './dids.js';
import type { LinkService } from './links.js';
import type { Strategy } from './model.js';
import { CampaignCreateSchema, ClientCreateSchema, DidCreateSchema, LinkCreateSchema } from './types.js';

/** The demo seller's e-mail address (role `user`, invited: no password until the sign-up link is used). */
export const DEMO_SELLER_EMAIL = 'seller@example.com';

export interface RoutingDemoDeps {
  orm: MikroORM;
  accounts: AccountService;
  clients: ClientService;
  campaigns: CampaignService;
  dids: DidService;
  links: LinkService;
  logger: Logger;
}

/** The demo campaigns: one per strategy, each with a fictional (555-01xx) DID and links to both clients. */
const CAMPAIGNS: { strategy: Strategy; name: string; did: string; links: [first: Record<string, unknown>, second: Record<string, unknown>] }[] = [
  { strategy: 'priority', name: 'Demo: solar leads (priority)', did: '+12125550100', links: [{ priority: 1 }, { priority: 2 }] },
  { strategy: 'round_robin', name: 'Demo: roofing leads (round robin)', did: '+12125550101', links: [{}, {}] },
  { strategy: 'weighted', name: 'Demo: insurance leads (weighted 70/30)', did: '+12125550102', links: [{ weight: 70 }, { weight: 30 }] },
];

/**
 * On an empty database with `demo: true` (called by the app's demo seed after it made the demo
 * site): a sample seller (`seller@example.com`, invited — an administrator issues the sign-up link
 * in Users, or `POST /users/{id}/invitation-link`), two clients (one always open, one with office
 * hours and a daily cap; SIP data without passwords, so a start without `DIALBOOK_SECRET_KEY` works), a DID and a campaign per strategy with links to
 * both. Does nothing when the seller exists already.
 */
export async function seedRoutingDemo(d: RoutingDemoDeps, siteId: string): Promise<void> {
  if (await d.orm.em.fork().count(UserEntity, { email: DEMO_SELLER_EMAIL })) return;
  const { user } = await d.accounts.createUser({ email: DEMO_SELLER_EMAIL, role: 'user', siteIds: [siteId], firstName: 'Sam', lastName: 'Seller' }, systemActor);
  const sunrise = await d.clients.create(parseInput(ClientCreateSchema, {
    name: 'Sunrise Call Centre (demo)', timeZone: 'America/New_York', concurrencyCap: 10,
    sip: { host: 'sip.sunrise.example', port: 5060, transport: 'udp', username: 'sunrise-demo', codecs: ['ulaw', 'alaw'], numberFormat: 'e164' },
  }));
  const atlas = await d.clients.create(parseInput(ClientCreateSchema, {
    name: 'Atlas Leads Desk (demo)', timeZone: 'Europe/London', concurrencyCap: 5,
    caps: { hour: null, day: 200, month: null, total: null, countBy: 'routed' },
    hours: { weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '08:00', to: '20:00' })), exceptions: [] },
    sip: { host: 'sip.atlas.example', port: 5061, transport: 'tls', username: null, codecs: ['opus', 'ulaw'], dialPrefix: '9', numberFormat: 'national' },
  }));
  for (const c of CAMPAIGNS) {
    const campaign = await d.campaigns.create(parseInput(CampaignCreateSchema, { name: c.name, strategy: c.strategy, ownerId: user.id, ringTimeoutSeconds: 25, attempts: 2 }));
    await d.dids.create(parseInput(DidCreateSchema, { number: c.did, label: `${c.name} line`, campaignId: campaign.id, ownerId: user.id }));
    for (const [i, client] of [sunrise, atlas].entries()) {
      await d.links.create(parseInput(LinkCreateSchema, { campaignId: campaign.id, clientId: client.id, concurrencyCap: i ? 3 : 5, caps: { hour: null, day: 100, month: null, total: null, countBy: 'routed' }, minTalkSeconds: 60, ...c.links[i] }));
    }
  }
  d.logger.info({ seller: DEMO_SELLER_EMAIL, dids: CAMPAIGNS.map((c) => c.did) }, `demo routing: seller ${DEMO_SELLER_EMAIL} (issue their sign-up link in Users), 2 clients, ${CAMPAIGNS.length} campaigns (priority, round robin, weighted) with DIDs ${CAMPAIGNS.map((c) => c.did).join(', ')}`);
}
