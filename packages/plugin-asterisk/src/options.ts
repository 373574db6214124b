/** The options of an Asterisk instance in the deployment config (`plugins.asterisk.options`). */
import { z } from '@dialbook/core';

/**
 * No control characters (CR, LF, NUL, …): the value goes into an AGI command line, and a line
 * break in it would end that command and start another.
 */
const agiValue = (what: string) =>
  z
    .string()
    .min(1)
    .max(512)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: `${what} must not contain control characters (line breaks would split the AGI command)` });

/** What a call gets when no decision arrives in time, or the decision has no target left. */
export const FailoverSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('dial'),
    target: agiValue('failover.target').meta({ description: 'A Dial() string, e.g. PJSIP/+4930123456@fallback-trunk.' }),
    timeoutSeconds: z.number().int().min(1).max(600).default(30).meta({ description: 'Ring timeout of the failover dial.' }),
  }),
  z.object({
    type: z.literal('playback'),
    file: agiValue('failover.file').meta({ description: 'A sound file for Playback(), without extension (ss-noservice).' }),
  }),
]);

export type Failover = z.output<typeof FailoverSchema>;

export const AgiOptionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').meta({ description: 'Address the FastAGI server listens on (0.0.0.0 for every interface).' }),
    port: z.number().int().min(0).max(65535).default(4573).meta({ description: 'TCP port of the FastAGI server (4573 is what agi:// uses without a port; 0 picks a free one).' }),
    maxConnections: z.number().int().min(1).max(100_000).default(200).meta({ description: 'Concurrent AGI sessions; a connection beyond them is closed at once (the dialplan continues, AGISTATUS=FAILURE).' }),
    idleTimeoutMs: z.number().int().min(100).max(600_000).default(10_000).meta({ description: 'A client that sends nothing for this long (header block or command answer) is closed. A Dial runs longer than this: the wait for its answer is not idle.' }),
    decisionTimeoutMs: z.number().int().min(50).max(60_000).default(2_000).meta({ description: 'How long a call waits for a routing decision before it gets the failover.' }),
    drainTimeoutMs: z.number().int().min(0).max(600_000).default(5_000).meta({ description: 'On stop: how long running sessions may finish before their sockets are destroyed.' }),
    failover: FailoverSchema.default({ type: 'playback', file: 'ss-noservice' }).meta({ description: "Used when no decision arrives in time or no target answers: {type: 'dial', target} or {type: 'playback', file}." }),
  })
  .prefault({});

/** A PostgreSQL connection URL (its password never shows in health, logs or the config snippets). */
const postgresUrl = (what: string) =>
  z
    .string()
    .refine((s) => /^postgres(ql)?:\/\/[^\s]+$/.test(s) && URL.canParse(s), { message: `${what} must be a PostgreSQL URL (postgres://user:password@host:5432/database): ARA and CDR tables need PostgreSQL` });

const pjsipName = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, 'letters, digits, _ . - (at most 40)');

export const AraOptionsSchema = z
  .object({
    databaseUrl: postgresUrl('ara.databaseUrl').optional().meta({ description: "PostgreSQL database Asterisk reads PJSIP realtime from (may be Dialbook's own or Asterisk's). Absent: ARA is off." }),
    context: pjsipName.default('dialbook-from-clients').meta({ description: "Dialplan context of calls that arrive from a client's trunk." }),
    transports: z
      .object({ udp: pjsipName.default('transport-udp'), tcp: pjsipName.default('transport-tcp'), tls: pjsipName.default('transport-tls') })
      .prefault({})
      .meta({ description: 'The pjsip.conf transport object for each SIP transport a client may use.' }),
    qualifyFrequency: z.number().int().min(0).max(86_400).default(60).meta({ description: "Seconds between OPTIONS pings to a client's trunk (0: off)." }),
  })
  .prefault({});

export const CdrOptionsSchema = z
  .object({
    databaseUrl: postgresUrl('cdr.databaseUrl').optional().meta({ description: 'PostgreSQL database cdr_pgsql writes to. Absent: CDR ingestion is off.' }),
    table: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'a plain table name').default('cdr').meta({ description: "cdr_pgsql's table (cdr_pgsql.conf `table`)." }),
    pollIntervalMs: z.number().int().min(200).max(3_600_000).default(10_000).meta({ description: 'How often new CDR rows are read.' }),
    batchSize: z.number().int().min(1).max(10_000).default(500).meta({ description: 'CDR rows read per query.' }),
    settleSeconds: z.number().int().min(0).max(3_600).default(5).meta({ description: 'A row is read once its call ended this many seconds ago (by the CDR database clock), so rows committed a little late are not skipped.' }),
    site: z.string().min(1).max(64).optional().meta({ description: 'Slug of the site the calls go to; absent: the only site (an error in health when there are several).' }),
  })
  .prefault({});

export const AsteriskOptionsSchema = z
  .object({
    agi: AgiOptionsSchema,
    ara: AraOptionsSchema,
    cdr: CdrOptionsSchema,
  })
  .prefault({});

export type AgiOptions = z.output<typeof AgiOptionsSchema>;
export type AraOptions = z.output<typeof AraOptionsSchema>;
export type CdrOptions = z.output<typeof CdrOptionsSchema>;
export type AsteriskOptions = z.output<typeof AsteriskOptionsSchema>;
