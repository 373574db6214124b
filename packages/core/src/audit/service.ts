import type { FilterQuery, MikroORM } from '@mikro-orm/core';
import { AuditEventEntity } from './entities.js';
import { allowedSites } from '../base/access.js';
import { actorKey, type Actor } from '../base/actor.js';

/** What `GET /api/v1/audit` filters by; every field optional, all given ones must hold. */
export interface AuditFilter {
  /** Exact action names (`directory.served`, `user.created`, `PATCH /contacts/:id`); any of them. */
  actions?: readonly string[];
  /** Directory fetches of this phonebook, and API writes under `/api/v1/phonebooks/{id}`. */
  phonebookId?: string;
  /** The actor key (`user:<id>`, `apiKey:<id>`, `phone:<credential id>`) or the actor's name (an e-mail, `SIP-T46S 80:5e:…`). */
  actor?: string;
  /** `at >= from` */
  from?: Date;
  /** `at < to` */
  to?: Date;
  page: number;
  pageSize: number;
}

export interface AuditEventDto {
  id: number;
  at: string;
  actor: string;
  actorName: string | null;
  action: string;
  method: string | null;
  path: string | null;
  status: number | null;
  siteId: string | null;
  targetId: string | null;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

type AuditRow = InstanceType<typeof AuditEventEntity.class>;

/**
 * A page of the audit log, newest first (time, then id). Access is the route's (staff and
 * administrators, who see every site); should a site-limited scope ever reach this, it sees
 * only rows of its sites.
 */
async function listAuditEvents(orm: MikroORM, f: AuditFilter): Promise<{ items: AuditEventDto[]; total: number; page: number; pageSize: number }> {
  const and: FilterQuery<AuditRow>[] = [];
  if (f.actions?.length) and.push({ action: { $in: [...new Set(f.actions)] } });
  if (f.phonebookId) {
    // The id is a validated UUID: nothing in it is a LIKE wildcard.
    and.push({ $or: [{ action: 'directory.served', targetId: f.phonebookId }, { path: { $like: `/api/v1/phonebooks/${f.phonebookId}%` } }] });
  }
  if (f.actor) and.push({ $or: [{ actor: f.actor }, { actorName: f.actor }] });
  if (f.from) and.push({ at: { $gte: f.from } });
  if (f.to) and.push({ at: { $lt: f.to } });
  const sites = allowedSites();
  if (sites) and.push({ siteId: { $in: [...sites] } });
  const where = (and.length ? { $and: and } : {}) as FilterQuery<AuditRow>;
  const [rows, total] = await orm.em.fork().findAndCount(AuditEventEntity, where, { orderBy: [{ at: 'desc' }, { id: 'desc' }], limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
  const items = rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    actorName: r.actorName ?? null,
    action: r.action,
    method: r.method ?? null,
    path: r.path ?? null,
    status: r.status ?? null,
    siteId: r.siteId ?? null,
    targetId: r.targetId ?? null,
    ip: r.ip ?? null,
    detail: detailOf(r.detail),
  }));
  return { items, total, page: f.page, pageSize: f.pageSize };
}

/** The JSON column as an object (older drivers may hand back text). */
function detailOf(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
    } catch {
      return { value };
    }
  }
  return typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
}

/** What an audit row records besides its action and actor. */
export interface AuditExtra {
  targetId?: string | null;
  siteId?: string | null;
  ip?: string | null;
  method?: string;
  path?: string;
  status?: number;
  detail?: Record<string, unknown>;
}

/** The audit log: who did what through the API, every sign-in attempt, account changes and phone fetches. */
export class AuditService {
  constructor(private readonly orm: MikroORM) {}

  /** Write one row; every text is cut to its column (a long path or forwarded address must not lose the row on PostgreSQL). */
  async record(action: string, actor: Actor, extra: AuditExtra = {}): Promise<void> {
    const em = this.orm.em.fork();
    const cut = (v: string | null | undefined, n: number) => (v == null ? null : v.slice(0, n));
    em.create(AuditEventEntity, {
      at: new Date(),
      actor: cut(actorKey(actor), 200)!,
      actorName: cut(actor.name, 320),
      action: cut(action, 100)!,
      method: cut(extra.method, 10),
      path: cut(extra.path, 500),
      status: extra.status ?? null,
      siteId: extra.siteId ?? null,
      targetId: cut(extra.targetId, 100),
      ip: cut(extra.ip, 64),
      detail: extra.detail ?? null,
    });
    await em.flush();
  }

  /** A page of the log, newest first. */
  list(filter: AuditFilter): Promise<{ items: AuditEventDto[]; total: number; page: number; pageSize: number }> {
    return listAuditEvents(this.orm, filter);
  }
}
