import { createTransport } from 'nodemailer';
import { DialbookError } from '../base/errors.js';
import type { EmailSettings } from './settings.js';

export type Transport = ReturnType<typeof createTransport>;

/** An SMTP transport for the `email` settings; refuses when host or sender are not set. */
export function smtpTransport(s: EmailSettings): Transport {
  if (!s.smtp.host || !s.from.address) {
    const missing = [!s.smtp.host && 'email.smtp.host', !s.from.address && 'email.from.address'].filter(Boolean).join(' and ');
    throw new DialbookError('DIALBOOK_MAIL_NOT_CONFIGURED', `mail is not configured: set ${missing} (settings API, config "settings.email" or DIALBOOK_SETTING_EMAIL__…)`, { status: 409 });
  }
  return createTransport({
    host: s.smtp.host,
    port: s.smtp.port,
    secure: s.smtp.security === 'tls',
    requireTLS: s.smtp.security === 'starttls',
    ignoreTLS: s.smtp.security === 'none',
    ...(s.smtp.username ? { auth: { user: s.smtp.username, pass: s.smtp.password ?? '' } } : {}),
    tls: { rejectUnauthorized: s.smtp.rejectUnauthorized },
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}

export const fromOf = (s: EmailSettings) => ({ name: s.from.name, address: s.from.address ?? '' });

/**
 * One line for a failed send, safe to store and log: the error code and the server's
 * answer, with the SMTP password (plain and in the base64 forms AUTH uses) blanked out.
 */
export function describeSendError(err: unknown, s?: EmailSettings): string {
  const e = err as { code?: string; message?: string };
  let text = `${e?.code && !String(e.message).startsWith(e.code) ? `${e.code}: ` : ''}${e?.message ?? String(err)}`;
  const password = s?.smtp.password;
  if (password) {
    const forms = [password, Buffer.from(password).toString('base64'), Buffer.from(`\u0000${s.smtp.username ?? ''}\u0000${password}`).toString('base64')];
    for (const f of forms) text = text.split(f).join('***');
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 1000);
}

/** Failures of the connection (not of one message): the rest of a batch would fail the same way. */
export const isConnectionFailure = (err: unknown): boolean => !['EENVELOPE', 'EMESSAGE'].includes(String((err as { code?: string })?.code));
