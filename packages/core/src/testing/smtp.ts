import type { AddressInfo } from 'node:net';
import type * as SmtpServerModule from 'smtp-server';
import type { SMTPServer } from 'smtp-server';

/** A message the capture server accepted. */
export interface CapturedMail {
  /** Envelope sender (`MAIL FROM`). */
  from: string;
  /** Envelope recipients (`RCPT TO`). */
  to: string[];
  /** The user that logged in, if any. */
  user: string | undefined;
  /** Headers, unfolded, with lower-case names. */
  headers: Record<string, string>;
  /** The text body, quoted-printable or base64 decoded, with `\n` line ends. */
  text: string;
}

export interface SmtpCaptureOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Refuse mail from clients that did not log in (default false: the login is optional, but checked when given). */
  requireAuth?: boolean;
  /** The one account it accepts (default {@link SMTP_USER} / {@link SMTP_PASSWORD}). */
  user?: string;
  password?: string;
}

/** The account a {@link TestSmtp} accepts unless told otherwise. */
export const SMTP_USER = 'dialbook';
export const SMTP_PASSWORD = 'Smtp-S3cret!';

/**
 * A real SMTP server (the `smtp-server` package, an optional peer dependency of `@dialbook/core`:
 * install it as a dev dependency to use this) on 127.0.0.1, without TLS. It checks the login
 * when one is given (or required) and keeps every message it accepts in `received`.
 *
 * ```ts
 * import { startSmtpCapture, SMTP_USER, SMTP_PASSWORD } from '@dialbook/core/testing';
 * const smtp = await startSmtpCapture();
 * // point the core at 127.0.0.1:smtp.port (security 'none', SMTP_USER / SMTP_PASSWORD), send…
 * const [mail] = await eventually('the invitation', () => smtp.to('erika@example.com'));
 * await smtp.stop();
 * ```
 */
export class TestSmtp {
  readonly received: CapturedMail[] = [];
  /** The port it listens on (after `start`). */
  port = 0;
  readonly user: string;
  readonly password: string;
  private server: SMTPServer | undefined;

  constructor(private readonly options: SmtpCaptureOptions = {}) {
    this.port = options.port ?? 0;
    this.user = options.user ?? SMTP_USER;
    this.password = options.password ?? SMTP_PASSWORD;
  }

  /** Listen (on `port`, default the one given to the constructor or a free one); returns the port. */
  async start(port = this.port): Promise<number> {
    const { SMTPServer } = await loadSmtpServer();
    const server = new SMTPServer({
      authOptional: !this.options.requireAuth,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => (auth.username === this.user && auth.password === this.password ? cb(null, { user: this.user }) : cb(new Error('Invalid username or password'))),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, ...parseMail(Buffer.concat(chunks).toString('utf8')) });
          cb();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The messages with `address` among their recipients, oldest first. */
  to(address: string): CapturedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }
}

/** Start a {@link TestSmtp} and return it once it listens. */
export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<TestSmtp> {
  const smtp = new TestSmtp(options);
  await smtp.start();
  return smtp;
}

/** `smtp-server` is imported only here, when a capture server starts: core itself never loads it. */
async function loadSmtpServer(): Promise<typeof SmtpServerModule> {
  try {
    return await import('smtp-server');
  } catch (err) {
    // Not installed (an optional peer dependency) differs from a package that threw on import.
    if (/Cannot find (package|module) ['"]smtp-server['"]/.test(String((err as Error)?.message))) {
      throw new Error('the SMTP capture server of @dialbook/core/testing needs the smtp-server package: npm install --save-dev smtp-server', { cause: err });
    }
    throw err;
  }
}

/** Headers (unfolded, lower-case names) and the text body (quoted-printable or base64 decoded). */
export function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let text = rest.join('\n\n');
  const encoding = headers['content-transfer-encoding']?.toLowerCase();
  if (encoding === 'quoted-printable') text = Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  if (encoding === 'base64') text = Buffer.from(text, 'base64').toString('utf8');
  return { headers, text: text.replace(/\r\n/g, '\n') };
}
