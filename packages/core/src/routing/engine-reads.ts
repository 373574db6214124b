import type { SqlEntityManager } from '@mikro-orm/sql';
import type { Campaign, Caps, Hours, Link, RoutingClient } from './model.js';

/**
 * The engine's hot-path reads (decide, attempt) as plain SQL mapped by hand: the same rows the
 * entities read, without the ORM's query building, hydration and identity map, which were about
 * a fifth of an instance's CPU under the routing load bench. Rows mean the same on both
 * databases: SQLite hands JSON as text and booleans as 0/1, PostgreSQL as values.
 */
type Raw = Record<string, unknown>;

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
const intOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const LINK_COLUMNS = 'l.id, l.campaign_id, l.client_id, l.priority, l.weight, l.concurrency_cap, l.caps, l.hours, l.min_talk_seconds, l.enabled';
const CLIENT_COLUMNS = 'c.id, c.name, c.time_zone, c.enabled, c.concurrency_cap, c.caps, c.hours';

const link = (r: Raw): Link => ({
  id: String(r.id), campaignId: String(r.campaign_id), clientId: String(r.client_id), priority: Number(r.priority), weight: Number(r.weight),
  concurrencyCap: intOrNull(r.concurrency_cap), caps: json<Caps>(r.caps), hours: json<Hours | null>(r.hours ?? null), minTalkSeconds: Number(r.min_talk_seconds), enabled: bool(r.enabled),
});
const client = (r: Raw): RoutingClient => ({
  id: String(r.id), name: String(r.name), timeZone: String(r.time_zone), enabled: bool(r.enabled), concurrencyCap: intOrNull(r.concurrency_cap), caps: json<Caps>(r.caps), hours: json<Hours | null>(r.hours ?? null),
});

/** The campaign a DID is assigned to (null: unknown DID or none assigned). */
export async function campaignOfDid(em: SqlEntityManager, did: string): Promise<Campaign | null> {
  const [r] = await em.execute<Raw[]>(
    'select c.id, c.owner_id, c.name, c.enabled, c.strategy, c.ring_timeout_seconds, c.attempts, c.duplicate_window_hours, c.duplicate_action, c.block_anonymous from routing_did d join routing_campaign c on c.id = d.campaign_id where d.number = ?',
    [did],
  );
  if (!r) return null;
  return {
    id: String(r.id), ownerId: String(r.owner_id), name: String(r.name), enabled: bool(r.enabled), strategy: r.strategy as Campaign['strategy'], ringTimeoutSeconds: Number(r.ring_timeout_seconds),
    attempts: Number(r.attempts), duplicateWindowHours: Number(r.duplicate_window_hours), duplicateAction: r.duplicate_action as Campaign['duplicateAction'], blockAnonymous: bool(r.block_anonymous),
  };
}

/** The links and their clients of the campaign a DID is assigned to, in two queries side by side (outside a transaction each has its own connection). */
export async function linksOfDid(em: SqlEntityManager, did: string): Promise<{ links: Link[]; clients: Map<string, RoutingClient> }> {
  const campaignOf = '(select campaign_id from routing_did where number = ?)';
  const [links, clients] = await Promise.all([
    em.execute<Raw[]>(`select ${LINK_COLUMNS} from routing_link l where l.campaign_id = ${campaignOf}`, [did]),
    em.execute<Raw[]>(`select ${CLIENT_COLUMNS} from routing_client c where c.id in (select client_id from routing_link where campaign_id = ${campaignOf})`, [did]),
  ]);
  return { links: links.map(link), clients: new Map(clients.map((r) => [String(r.id), client(r)])) };
}

/** The link of the call's campaign to `clientId`, with the client, in one query (null: no such call; `link` null: not linked). */
export async function linkOfCall(em: SqlEntityManager, callId: string, clientId: string): Promise<{ link: Link; client: RoutingClient } | { link: null } | null> {
  const [r] = await em.execute<Raw[]>(
    `select k.call_id, ${LINK_COLUMNS}, c.id as c_id, c.name as c_name, c.time_zone as c_time_zone, c.enabled as c_enabled, c.concurrency_cap as c_concurrency_cap, c.caps as c_caps, c.hours as c_hours
       from routing_call k left join routing_link l on l.campaign_id = k.campaign_id and l.client_id = ? left join routing_client c on c.id = l.client_id where k.call_id = ?`,
    [clientId, callId],
  );
  if (!r) return null;
  if (r.id === null || r.c_id === null) return { link: null };
  return { link: link(r), client: client({ id: r.c_id, name: r.c_name, time_zone: r.c_time_zone, enabled: r.c_enabled, concurrency_cap: r.c_concurrency_cap, caps: r.c_caps, hours: r.c_hours }) };
}

/** The call's state and the link it was last attempted on, in one query (null: no such call; `counted` null: not attempted yet). */
export async function attemptedCall(em: SqlEntityManager, callId: string): Promise<{ answered: boolean; minTalkSeconds: number; counted: { linkId: string; clientId: string; timeZone: string } | null } | null> {
  const [r] = await em.execute<Raw[]>(
    'select k.answered_at, l.id, l.client_id, l.min_talk_seconds, c.time_zone from routing_call k left join routing_link l on l.id = k.link_id left join routing_client c on c.id = l.client_id where k.call_id = ?',
    [callId],
  );
  if (!r) return null;
  const attempted = r.id !== null && r.id !== undefined && r.time_zone !== null && r.time_zone !== undefined;
  return {
    answered: r.answered_at !== null && r.answered_at !== undefined,
    minTalkSeconds: Number(r.min_talk_seconds ?? 0),
    counted: attempted ? { linkId: String(r.id), clientId: String(r.client_id), timeZone: String(r.time_zone) } : null,
  };
}
