import { defineEntity, p } from '@mikro-orm/core';

/**
 * Mails waiting to be sent, and sent ones. Rendered when queued; a worker claims due
 * rows one by one (`locked_until` is its lease) and retries failures forever with backoff. A mail
 * holding a secret keeps its subject and body only encrypted (`sealed`), and only until it is sent.
 */
export const MailOutboxEntity = defineEntity({
  name: 'MailOutbox',
  tableName: 'mail_outbox',
  indexes: [{ properties: ['status', 'nextAttemptAt'] }, { properties: ['createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    to: p.string().length(320),
    subject: p.string().length(400),
    /** The body; for a sensitive mail a notice, the real one being in `sealed`. */
    text: p.text(),
    html: p.text().nullable(),
    /** Its data held a secret placeholder (a PIN): subject and body are kept encrypted in `sealed` until sent. */
    sensitive: p.boolean().default(false),
    /** `{ subject, text }` encrypted with `DIALBOOK_SECRET_KEY` (the settings' secret box), bound to the row's id; cleared once sent. */
    sealed: p.text().nullable(),
    /** Template id it was rendered from, if any. */
    template: p.string().length(64).nullable(),
    /** `pending`, `sending` or `sent`. */
    status: p.string().length(16),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime(),
    lastError: p.text().nullable(),
    lockedUntil: p.datetime().nullable(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
});
export type MailOutbox = InstanceType<typeof MailOutboxEntity.class>;
