import type { MikroORM } from '@mikro-orm/core';
import { MailOutboxEntity } from './entities.js';

export type MailStatus = 'pending' | 'sending' | 'sent';

/** A mail as the outbox lists it: never its body. */
export interface OutboxItem {
  id: string;
  to: string;
  /** For a sensitive mail, with each secret shown as `••••`. */
  subject: string;
  template: string | null;
  status: MailStatus;
  /** Its data held a secret (a PIN): subject and body are stored encrypted until it is sent, and withheld here. */
  sensitive: boolean;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** A page of the outbox, newest first. */
export async function outboxPage(orm: MikroORM, query: { status?: MailStatus | undefined; page?: number; pageSize?: number }): Promise<{ items: OutboxItem[]; total: number; page: number; pageSize: number }> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  const [rows, total] = await orm.em.fork().findAndCount(MailOutboxEntity, query.status ? { status: query.status } : {}, {
    orderBy: { createdAt: 'desc', id: 'asc' },
    limit: pageSize,
    offset: (page - 1) * pageSize,
    exclude: ['text', 'html', 'sealed'],
  });
  const items = rows.map((r) => ({
    id: r.id,
    to: r.to,
    subject: r.subject,
    template: r.template ?? null,
    status: r.status as MailStatus,
    sensitive: !!r.sensitive,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt.toISOString(),
    lastError: r.lastError ?? null,
    createdAt: r.createdAt.toISOString(),
    sentAt: r.sentAt?.toISOString() ?? null,
  }));
  return { items, total, page, pageSize };
}
