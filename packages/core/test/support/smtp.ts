import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1: it checks the login when one
 * is given (or required) and keeps every message it accepts.
 */
export interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  headers: Record<string, string>;
  text: string;
}

export const SMTP_USER = 'dialbook';
export const SMTP_PASSWORD = 'Smtp-S3cret!';

export class TestSmtp {
  readonly received: Received[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  constructor(private readonly options: Partial<SMTPServerOptions> = {}) {}

  async start(port = this.port): Promise<number> {
    const server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, cb) => (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD ? cb(null, { user: SMTP_USER }) : cb(new Error('Invalid username or password'))),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), user: session.user as string | undefined, ...parse(Buffer.concat(chunks).toString('utf8')) });
          cb();
        });
      },
      ...this.options,
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

  to(address: string): Received[] {
    return this.received.filter((m) => m.to.includes(address));
  }
}

/** Headers (unfolded, lower-case names) and the text body (quoted-printable or base64 decoded). */
export function parse(raw: string): { headers: Record<string, string>; text: string } {
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

