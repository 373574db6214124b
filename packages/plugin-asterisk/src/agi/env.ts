/**
 * The `agi_*` header block Asterisk sends when a FastAGI session starts (calls.md §3c): one
 * `agi_<key>: <value>` line per variable, then an empty line. Pure: lines in, a typed record out.
 */
import { AsteriskError } from '../errors.js';

/** The most header lines accepted: Asterisk sends ~25 plus one per AGI() argument (at most 128). */
export const MAX_HEADER_LINES = 256;

/** The variables Asterisk always sends; a block without them is not from Asterisk. */
const REQUIRED = ['request', 'channel', 'uniqueid'] as const;

/** The session's environment as Asterisk described it. `unknown` and empty values read as null where Asterisk uses them for "absent". */
export interface AgiEnv {
  /** `agi_network: yes` (FastAGI). */
  network: boolean;
  /** `agi_network_script`: the path and query after `agi://host:port/`, when one was given. */
  networkScript: string | null;
  /** `agi_request`: the whole AGI URL. */
  request: string;
  /** `agi_channel`, e.g. `PJSIP/trunk-00000001`. */
  channel: string;
  language: string;
  /** `agi_type`: the channel technology (`PJSIP`). */
  type: string;
  /** `agi_uniqueid`: the channel's unique id, the call id for routing. */
  uniqueId: string;
  version: string;
  /** `agi_callerid`; null when Asterisk says `unknown`. */
  callerId: string | null;
  callerIdName: string | null;
  callingPres: string;
  callingAni2: string;
  callingTon: string;
  callingTns: string;
  /** `agi_dnid`: the dialled number; null when `unknown`. */
  dnid: string | null;
  rdnis: string | null;
  context: string;
  extension: string;
  priority: string;
  /** `agi_enhanced: 1.0` (EAGI). */
  enhanced: boolean;
  accountCode: string;
  threadId: string;
  /** `agi_arg_1` … `agi_arg_n`, in order (`args[0]` is `agi_arg_1`). */
  args: string[];
  /** Every `agi_` variable as sent, keyed without the prefix — including ones this type does not name. */
  vars: Record<string, string>;
}

const LINE = /^agi_([A-Za-z0-9_]+):(?: ?)(.*)$/;
const ARG = /^arg_([1-9][0-9]{0,3})$/;

/** Asterisk writes `unknown` (or nothing) for an absent caller id, DNID or RDNIS. */
const absent = (v: string | undefined): string | null => (v === undefined || v === '' || v === 'unknown' ? null : v);

/**
 * Parse the header lines (without the terminating empty line). Throws
 * `DIALBOOK_ASTERISK_AGI_PROTOCOL` for a line that is not `agi_<key>: <value>`, too many lines, or
 * a block without `agi_request`, `agi_channel` and `agi_uniqueid`.
 *
 * ```ts
 * parseEnv(['agi_request: agi://127.0.0.1/route', 'agi_channel: PJSIP/a-1', 'agi_uniqueid: 1.2', 'agi_arg_1: 4930123'])
 * // → { request: 'agi://127.0.0.1/route', uniqueId: '1.2', args: ['4930123'], … }
 * ```
 */
export function parseEnv(lines: readonly string[]): AgiEnv {
  if (lines.length > MAX_HEADER_LINES) throw protocol(`AGI header block has more than ${MAX_HEADER_LINES} lines`);
  const vars: Record<string, string> = {};
  const args: string[] = [];
  for (const [i, line] of lines.entries()) {
    const m = LINE.exec(line);
    if (!m) throw protocol(`AGI header line ${i + 1} is not "agi_<name>: <value>": ${JSON.stringify(line.slice(0, 80))}`);
    const key = m[1]!.toLowerCase();
    const value = m[2]!;
    vars[key] = value;
    const arg = ARG.exec(key);
    if (arg) args[Number(arg[1]) - 1] = value;
  }
  const missing = REQUIRED.filter((k) => vars[k] === undefined);
  if (missing.length) throw protocol(`AGI header block lacks ${missing.map((k) => `agi_${k}`).join(', ')} — not a FastAGI request from Asterisk`);
  const v = (k: string) => vars[k] ?? '';
  return {
    network: v('network') === 'yes',
    networkScript: vars.network_script ?? null,
    request: v('request'),
    channel: v('channel'),
    language: v('language'),
    type: v('type'),
    uniqueId: v('uniqueid'),
    version: v('version'),
    callerId: absent(vars.callerid),
    callerIdName: absent(vars.calleridname),
    callingPres: v('callingpres'),
    callingAni2: v('callingani2'),
    callingTon: v('callington'),
    callingTns: v('callingtns'),
    dnid: absent(vars.dnid),
    rdnis: absent(vars.rdnis),
    context: v('context'),
    extension: v('extension'),
    priority: v('priority'),
    enhanced: Number(v('enhanced')) > 0,
    accountCode: v('accountcode'),
    threadId: v('threadid'),
    args: Array.from(args, (a) => a ?? ''),
    vars,
  };
}

const protocol = (message: string) => new AsteriskError('DIALBOOK_ASTERISK_AGI_PROTOCOL', message);
