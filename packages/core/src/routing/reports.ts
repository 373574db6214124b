import { raw, type FilterQuery, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { DialbookError, notFound } from '../base/errors.js';
import { parseInput } from '../base/validate.js';
import { ownedCampaign } from './campaigns.js';
import { RoutingCallEntity, RoutingCampaignEntity, RoutingClientEntity, RoutingDidEntity, RoutingLinkEntity } from './entities.js';
import { assertOwned, sellerScope } from './ownership.js';
import { ReportFilterSchema, RoutedCallQuerySchema, type ReportFilter, type RoutedCallDto, type RoutedCallQuery, type RoutingSummary } from './report-types.js';

type RoutingCallRow = InstanceType<typeof RoutingCallEntity.class>;
type Where = FilterQuery<RoutingCallRow>;

const encodeCursor = (r: { decidedAt: Date; callId: string }) => Buffer.from(`${r.decidedAt.toISOString()}|${r.callId}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; callId: string } {
  const [at, callId] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  if (!callId || Number.isNaN(date.getTime())) throw new DialbookError('DIALBOOK_VALIDATION', 'query.cursor: must be the `next` of a previous page', { status: 422, field: 'query.cursor' });
  return { at: date, callId };
}

/**
 * The seller reports over routed calls (issue 15 item 9), read from `routing_call`: a seller's
 * call log with filters and keyset pages, counts per campaign and per client, and the rows for the
 * CSV export. A seller sees only calls of their own campaigns; naming another seller, or another
 * seller's campaign, DID or a client none of their campaigns is linked to, is 404.
 */
export class RoutingReports {
  constructor(private readonly orm: MikroORM) {}

  /** A page of routed calls, newest first; `next` continues after the last one. */
  async calls(query: RoutedCallQuery): Promise<{ items: RoutedCallDto[]; next: string | null }> {
    const q = parseInput(RoutedCallQuerySchema, query);
    const em = this.orm.em.fork() as SqlEntityManager;
    const where = await this.where(em, q, q.outcome);
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    const rows = await this.page(em, where, after, q.limit + 1);
    const items = rows.slice(0, q.limit);
    return { items: await this.dtos(em, items), next: rows.length > q.limit ? encodeCursor(items[items.length - 1]!) : null };
  }

  /**
   * The filters read in the request (the scope is the caller's), and a reader of every matching
   * call in batches, newest first, for the export stream.
   */
  async batches(query: RoutedCallQuery, size = 1000): Promise<() => AsyncGenerator<RoutedCallDto[], void, undefined>> {
    const q = parseInput(RoutedCallQuerySchema, { ...query, limit: undefined, cursor: undefined });
    const where = await this.where(this.orm.em.fork() as SqlEntityManager, q, q.outcome);
    const page = (em: SqlEntityManager, after: { at: Date; callId: string } | null) => this.page(em, where, after, size);
    const dtos = (em: SqlEntityManager, rows: RoutingCallRow[]) => this.dtos(em, rows);
    const orm = this.orm;
    return async function* () {
      let after: { at: Date; callId: string } | null = null;
      for (;;) {
        const em = orm.em.fork() as SqlEntityManager;
        const rows = await page(em, after);
        if (!rows.length) return;
        const last = rows[rows.length - 1]!;
        after = { at: last.decidedAt, callId: last.callId };
        yield await dtos(em, rows);
        if (rows.length < size) return;
      }
    };
  }

  /** Per campaign and per client over the filters: calls, connected, connect rate, converted, average talk time of the connected. */
  async summary(query: ReportFilter): Promise<RoutingSummary> {
    const f = parseInput(ReportFilterSchema, query);
    const em = this.orm.em.fork() as SqlEntityManager;
    const where = await this.where(em, f, undefined);
    const AGG = "count(*) as calls, sum(case when c.outcome in ('connected', 'converted') then 1 else 0 end) as connected, sum(case when c.outcome = 'converted' then 1 else 0 end) as converted, sum(case when c.outcome in ('connected', 'converted') then coalesce(c.talk_seconds, 0) else 0 end) as talk";
    type Agg = { k?: string | null; calls: number | string; connected: number | string | null; converted: number | string | null; talk: number | string | null };
    const grouped = async (key: string | null): Promise<Agg[]> => {
      const qb = em.createQueryBuilder(RoutingCallEntity, 'c').select([...(key ? [raw(`${key} as k`)] : []), raw(AGG)]).where(where as never);
      if (key) qb.groupBy([raw(key)] as never);
      return (await qb.execute('all', false)) as unknown as Agg[];
    };
    const row = (a: Agg | undefined) => {
      const calls = Number(a?.calls ?? 0);
      const connected = Number(a?.connected ?? 0);
      return { calls, connected, connectRate: calls ? connected / calls : 0, converted: Number(a?.converted ?? 0), averageTalkSeconds: connected ? Number(a?.talk ?? 0) / connected : 0 };
    };
    const [totals, byCampaign, byClient] = [await grouped(null), await grouped('c.campaign_id'), await grouped('c.client_id')];
    const campaignNames = await this.names(em, RoutingCampaignEntity, byCampaign.map((r) => r.k));
    const clientNames = await this.names(em, RoutingClientEntity, byClient.map((r) => r.k));
    const byCalls = <T extends { calls: number }>(a: T, b: T) => b.calls - a.calls;
    return {
      totals: row(totals[0]),
      campaigns: byCampaign.map((r) => ({ campaignId: r.k!, name: campaignNames.get(r.k!) ?? '', ...row(r) })).sort(byCalls),
      clients: byClient.map((r) => ({ clientId: r.k ?? null, name: r.k ? (clientNames.get(r.k) ?? null) : null, ...row(r) })).sort(byCalls),
    };
  }

  private page(em: SqlEntityManager, where: Where, after: { at: Date; callId: string } | null, limit: number): Promise<RoutingCallRow[]> {
    const keyset: Where = after ? { decidedAt: { $lte: after.at }, $or: [{ decidedAt: { $lt: after.at } }, { decidedAt: after.at, callId: { $lt: after.callId } }] } : {};
    return em.find(RoutingCallEntity, { $and: [where, keyset] }, { orderBy: [{ decidedAt: 'desc' }, { callId: 'desc' }], limit });
  }

  /** The condition of the filters in the caller's scope (404 for what the scope may not name). */
  private async where(em: SqlEntityManager, f: ReportFilter, outcome: string | undefined): Promise<Where> {
    const seller = sellerScope();
    if (seller && f.sellerId && f.sellerId !== seller) throw notFound('seller', f.sellerId);
    const owner = seller ?? f.sellerId ?? null;
    const and: Where[] = [];
    if (f.campaignId) {
      const campaign = await ownedCampaign(em, f.campaignId);
      and.push({ campaignId: owner && campaign.ownerId !== owner ? { $in: [] } : campaign.id });
    } else if (owner) {
      const own = await em.find(RoutingCampaignEntity, { ownerId: owner }, { fields: ['id'] });
      and.push({ campaignId: { $in: own.map((c) => c.id) } });
    }
    if (f.didId) {
      const did = await em.findOne(RoutingDidEntity, { id: f.didId }, { fields: ['number', 'ownerId'] });
      if (!did) throw notFound('DID', f.didId);
      assertOwned(did.ownerId, 'DID', f.didId);
      and.push({ did: did.number });
    }
    if (f.clientId) {
      const client = await em.findOne(RoutingClientEntity, { id: f.clientId }, { fields: ['id'] });
      if (!client) throw notFound('client', f.clientId);
      if (seller) {
        const own = await em.find(RoutingCampaignEntity, { ownerId: seller }, { fields: ['id'] });
        const linked = await em.count(RoutingLinkEntity, { clientId: f.clientId, campaignId: { $in: own.map((c) => c.id) } });
        const reached = linked || (await em.count(RoutingCallEntity, { clientId: f.clientId, campaignId: { $in: own.map((c) => c.id) } }));
        if (!reached) throw notFound('client', f.clientId);
      }
      and.push({ clientId: f.clientId });
    }
    if (f.start) and.push({ decidedAt: { $gte: new Date(f.start) } });
    if (f.end) and.push({ decidedAt: { $lt: new Date(f.end) } });
    if (outcome) and.push({ outcome: outcome === 'pending' ? null : (outcome as never) });
    return and.length ? { $and: and } : {};
  }

  private async dtos(em: SqlEntityManager, rows: RoutingCallRow[]): Promise<RoutedCallDto[]> {
    const campaigns = new Map((await em.find(RoutingCampaignEntity, { id: { $in: [...new Set(rows.map((r) => r.campaignId))] } }, { fields: ['id', 'name', 'ownerId'] })).map((c) => [c.id, c]));
    const clients = await this.names(em, RoutingClientEntity, rows.map((r) => r.clientId));
    const dids = new Map((await em.find(RoutingDidEntity, { number: { $in: [...new Set(rows.filter((r) => !r.didId).map((r) => r.did))] } }, { fields: ['id', 'number'] })).map((d) => [d.number, d.id]));
    return rows.map((r) => ({
      callId: r.callId,
      startedAt: r.decidedAt.toISOString(),
      answeredAt: r.answeredAt?.toISOString() ?? null,
      endedAt: r.endedAt?.toISOString() ?? null,
      sellerId: campaigns.get(r.campaignId)?.ownerId ?? '',
      campaignId: r.campaignId,
      campaignName: campaigns.get(r.campaignId)?.name ?? '',
      didId: r.didId ?? dids.get(r.did) ?? null,
      did: r.did,
      caller: r.caller ?? null,
      clientId: r.clientId ?? null,
      clientName: r.clientId ? (clients.get(r.clientId) ?? null) : null,
      outcome: r.outcome ?? 'pending',
      status: r.status ?? null,
      talkSeconds: r.talkSeconds ?? null,
      converted: !!r.converted,
      callRecordId: r.callRecordId ?? null,
    }));
  }

  private async names(em: SqlEntityManager, entity: typeof RoutingCampaignEntity | typeof RoutingClientEntity, ids: readonly (string | null | undefined)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((i): i is string => !!i))];
    if (!wanted.length) return new Map();
    const rows = (await em.find(entity as typeof RoutingClientEntity, { id: { $in: wanted } }, { fields: ['id', 'name'] })) as { id: string; name: string }[];
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
