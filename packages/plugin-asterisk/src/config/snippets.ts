/**
 * The Asterisk configuration that points Asterisk at this plugin, filled with its options (pure;
 * snippets.test.ts): extconfig.conf and sorcery.conf (PJSIP realtime from ps_endpoints, ps_auths,
 * ps_aors), res_pgsql.conf (the ARA database), cdr_pgsql.conf (the CDR database) and a sample
 * extensions.conf context that hands each call to the FastAGI server. Passwords of the database
 * URLs are never printed: a placeholder says where to take them from.
 */
import type { AsteriskOptions } from '../options.js';

export interface ConfigSnippet {
  file: string;
  purpose: string;
  content: string;
}

const PLACEHOLDER_HOST = '<address of the Dialbook host>';

/** host, port, database and user of a PostgreSQL URL (never its password). */
function pgParts(url: string | undefined) {
  if (!url) return { host: '127.0.0.1', port: '5432', db: 'asterisk', user: 'asterisk', configured: false };
  const u = new URL(url);
  return { host: u.hostname, port: u.port || '5432', db: decodeURIComponent(u.pathname.slice(1)) || 'postgres', user: decodeURIComponent(u.username) || 'postgres', configured: true };
}

/** Where Asterisk reaches the FastAGI server: its host, unless it listens on every interface. */
export function agiAddress(options: Pick<AsteriskOptions, 'agi'>, listeningPort?: number): string {
  const host = ['0.0.0.0', '::', '[::]'].includes(options.agi.host) ? PLACEHOLDER_HOST : options.agi.host;
  const port = options.agi.port === 0 ? (listeningPort ?? options.agi.port) : options.agi.port;
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

export function configSnippets(options: AsteriskOptions, listeningPort?: number): ConfigSnippet[] {
  const ara = pgParts(options.ara.databaseUrl);
  const cdr = pgParts(options.cdr.databaseUrl);
  const agi = agiAddress(options, listeningPort);
  const pass = (what: string) => `<the password in ${what}>`;
  return [
    {
      file: 'extensions.conf',
      purpose: 'Hand each inbound call (a DID from the carrier) to Dialbook over FastAGI; DIALBOOK_RESULT says what happened.',
      content: [
        '[dialbook-inbound]                                  ; point the carrier trunk\'s context here',
        'exten => _[+0-9].,1,NoOp(Dialbook route ${EXTEN} from ${CALLERID(num)})',
        ' same => n,Set(CDR(userfield)=dialbook)',
        ' same => n,Set(AGIEXITONHANGUP=no)                  ; the AGI finishes after a hang-up (it gets "HANGUP")',
        ` same => n,AGI(agi://${agi}/route,\${EXTEN},\${CALLERID(num)})`,
        ' same => n,GotoIf($["${DIALBOOK_RESULT}" = "ANSWER"]?done)   ; a client took the call',
        ' same => n,GotoIf($["${DIALBOOK_RESULT}" = "HANGUP"]?done)   ; the caller hung up',
        ' same => n,GotoIf($["${DIALBOOK_RESULT}" = "FAILOVER"]?done) ; Dialbook ran its failover',
        ' same => n,Playback(ss-noservice)                   ; empty: Dialbook unreachable or at its connection limit',
        ' same => n(done),Hangup()',
        '',
        `[${options.ara.context}]                           ; calls arriving from a client's trunk`,
        'exten => _X.,1,Hangup()',
      ].join('\n'),
    },
    {
      file: 'extconfig.conf',
      purpose: 'Map the PJSIP realtime families to the PostgreSQL connection of res_pgsql.conf.',
      content: ['[settings]', 'ps_endpoints => pgsql,general', 'ps_auths => pgsql,general', 'ps_aors => pgsql,general'].join('\n'),
    },
    {
      file: 'sorcery.conf',
      purpose: 'Read endpoints, auths and AORs from realtime (contacts stay in astdb: the trunks use static contacts).',
      content: ['[res_pjsip]', 'endpoint=realtime,ps_endpoints', 'auth=realtime,ps_auths', 'aor=realtime,ps_aors'].join('\n'),
    },
    {
      file: 'res_pgsql.conf',
      purpose: ara.configured ? 'The ARA database (ara.databaseUrl).' : 'The ARA database: ara.databaseUrl is not set, so ARA is off; these are example values.',
      content: ['[general]', `dbhost=${ara.host}`, `dbport=${ara.port}`, `dbname=${ara.db}`, `dbuser=${ara.user}`, `dbpass=${pass('ara.databaseUrl')}`, 'requirements=warn'].join('\n'),
    },
    {
      file: 'cdr_pgsql.conf',
      purpose: cdr.configured ? 'Where Asterisk writes CDRs for Dialbook to read (cdr.databaseUrl, cdr.table).' : 'CDR ingestion: cdr.databaseUrl is not set, so it is off; these are example values.',
      content: ['[global]', `hostname=${cdr.host}`, `port=${cdr.port}`, `dbname=${cdr.db}`, `user=${cdr.user}`, `password=${pass('cdr.databaseUrl')}`, `table=${options.cdr.table}`].join('\n'),
    },
  ];
}
