import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { allowedSites } from '../base/access.js';
import { NotificationEntity } from './entities.js';
import type { HookBus } from '../hooks/bus.js';

export type NotificationLevel = 'info' | 'warning' | 'error';

export interface NotificationDto {
  id: string;
  siteId: string | null;
  level: NotificationLevel;
  title: string;
  body: string | null;
  read: boolean;
  createdAt: string;
}

export interface NotificationQuery {
  unreadOnly?: boolean;
  page?: number;
  pageSize?: number;
}

type Row = InstanceType<typeof NotificationEntity.class>;
const toDto = (n: Row): NotificationDto => ({
  id: n.id,
  siteId: n.siteId ?? null,
  level: n.level as NotificationLevel,
  title: n.title,
  body: n.body ?? null,
  read: n.readAt != null,
  createdAt: n.createdAt.toISOString(),
});

/**
 * What the current request may see: everything for admins and staff; for a user, the
 * notifications of their sites (installation-wide ones are for administrators).
 */
function visible(): { siteId?: { $in: string[] } } {
  const sites = allowedSites();
  return sites ? { siteId: { $in: [...sites] } } : {};
}

/** Messages for administrators: sync results, permanent deletions, plugin warnings. */
export class NotificationService {
  constructor(
    private readonly orm: MikroORM,
    private readonly hooks: HookBus,
  ) {}

  async notify(input: { siteId?: string | null; level?: NotificationLevel; title: string; body?: string | null }): Promise<NotificationDto> {
    const em = this.orm.em.fork();
    const row = em.create(NotificationEntity, {
      id: randomUUID(),
      siteId: input.siteId ?? null,
      level: input.level ?? 'info',
      title: input.title.slice(0, 300),
      body: input.body ?? null,
      readAt: null,
      createdAt: new Date(),
    });
    await em.flush();
    await this.hooks.emit('notification.created', { id: row.id, siteId: row.siteId ?? null, title: row.title });
    return toDto(row);
  }

  async list(query: NotificationQuery = {}): Promise<{ items: NotificationDto[]; total: number; page: number; pageSize: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const em = this.orm.em.fork();
    const where = { ...visible(), ...(query.unreadOnly ? { readAt: null } : {}) };
    const [rows, total] = await em.findAndCount(NotificationEntity, where, {
      orderBy: { createdAt: 'desc', id: 'asc' },
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { items: rows.map(toDto), total, page, pageSize };
  }

  async unreadCount(): Promise<number> {
    return this.orm.em.fork().count(NotificationEntity, { ...visible(), readAt: null });
  }

  /** Returns how many were marked. */
  async markAllRead(): Promise<number> {
    return this.orm.em.fork().nativeUpdate(NotificationEntity, { ...visible(), readAt: null }, { readAt: new Date() });
  }

  /** Returns how many were removed. */
  async clearAll(): Promise<number> {
    return this.orm.em.fork().nativeDelete(NotificationEntity, visible());
  }
}
