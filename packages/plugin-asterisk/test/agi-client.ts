/**
 * A fake Asterisk for tests: a TCP client that plays the FastAGI side of res_agi as
 * calls.md §3c describes it (no Asterisk runs on Debian 12). It writes the `agi_*` block in
 * Asterisk's order and format (`agi_<key>: <value>\n`, then an empty line), splits each command
 * line on whitespace honouring `"` quotes and `\` escapes, and answers as res_agi does:
 * `200 result=…`, `510` for an unknown command, the multi-line `520-` usage form for bad syntax,
 * `511` for EXEC on a dead channel, and the inline `HANGUP` notice when the caller hangs up.
 * Dial outcomes are scripted per dial string. It can also send garbage or go silent (see
 * `rawClient`). Written from the research notes; no code from Asterisk.
 */
import { connect, type Socket } from 'node:net';

/** What a scripted Dial() does. */
export interface DialOutcome {
  status: 'ANSWER' | 'BUSY' | 'NOANSWER' | 'CONGESTION' | 'CHANUNAVAIL' | 'CANCEL';
  /** ANSWEREDTIME after an answered call (seconds). */
  answeredSeconds?: number;
  /**
   * The caller hangs up while this Dial rings: DIALSTATUS=CANCEL and `200 result=-1`, with the
   * `HANGUP` notice before that answer (`true`) or right after it (`'after-result'`).
   */
  callerHangsUp?: boolean | 'after-result';
  /** The Dial's answer waits for this (a call in progress, for drain tests). */
  hold?: Promise<void>;
}

export interface FakeCallOptions {
  port: number;
  host?: string;
  /** AGI() arguments after the URL: agi_arg_1 … (DID, caller, …). */
  args?: string[];
  /** Header values to change (keys without `agi_`); `null` leaves a line out. */
  env?: Record<string, string | null>;
  /** The path in `agi://host:port/<script>`; default `route`. */
  script?: string;
  /** Dial outcome per dial string (the first field of Dial's data); default NOANSWER. */
  dial?: (target: string, data: string) => DialOutcome;
  /** The caller hangs up right after the block is sent (while the server is still deciding). */
  hangUpAtStart?: boolean;
}

export interface FakeCallResult {
  /** Each command line as received. */
  lines: string[];
  /** Each command as Asterisk's splitter reads it. */
  argv: string[][];
  /** Channel variables at the end (set by SET VARIABLE and by Dial). */
  variables: Map<string, string>;
  /** The dial strings Dial() was asked for, with their data. */
  dials: { target: string; data: string }[];
  /** Whether the channel hung up (HANGUP sent). */
  hungUp: boolean;
}

/** Split an AGI command line as res_agi does: whitespace separates, `"` groups, `\` takes the next character literally. */
export function asteriskArgv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inArg = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inArg = true;
    } else if (c === '"') {
      quoted = !quoted;
      inArg = true;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      if (inArg) out.push(cur);
      cur = '';
      inArg = false;
    } else {
      cur += c;
      inArg = true;
    }
  }
  if (inArg) out.push(cur);
  return out;
}

/** The header block as Asterisk writes it for `AGI(agi://host:port/script,args…)`. */
export function headerBlock(o: Pick<FakeCallOptions, 'args' | 'env' | 'script' | 'port' | 'host'>, uniqueId: string): string {
  const script = o.script ?? 'route';
  const vars: [string, string][] = [
    ['network', 'yes'],
    ['network_script', script],
    ['request', `agi://${o.host ?? '127.0.0.1'}:${o.port}/${script}`],
    ['channel', `PJSIP/carrier-${uniqueId.replace('.', '')}`],
    ['language', 'en'],
    ['type', 'PJSIP'],
    ['uniqueid', uniqueId],
    ['version', '20.5.0'],
    ['callerid', '15551234567'],
    ['calleridname', 'unknown'],
    ['callingpres', '0'],
    ['callingani2', '0'],
    ['callington', '0'],
    ['callingtns', '0'],
    ['dnid', '18005550100'],
    ['rdnis', 'unknown'],
    ['context', 'dialbook-inbound'],
    ['extension', '18005550100'],
    ['priority', '3'],
    ['enhanced', '0.0'],
    ['accountcode', ''],
    ['threadid', '140123456789'],
    ...(o.args ?? []).map((a, i): [string, string] => [`arg_${i + 1}`, a]),
  ];
  const env = o.env ?? {};
  const lines = vars.filter(([k]) => env[k] !== null).map(([k, v]) => `agi_${k}: ${env[k] ?? v}\n`);
  for (const [k, v] of Object.entries(env)) if (v !== null && !vars.some(([key]) => key === k)) lines.push(`agi_${k}: ${v}\n`);
  return `${lines.join('')}\n`;
}

const USAGE: Record<string, string> = {
  'GET VARIABLE': ' Usage: GET VARIABLE <variablename>\n     Returns 0 if <variablename> is not set.',
  'SET VARIABLE': ' Usage: SET VARIABLE <variablename> <value>',
  EXEC: ' Usage: EXEC <application> <options>',
};

let uniqueSeq = 0;

/**
 * Place one call: connect, send the block, answer commands until the server closes the socket.
 * Resolves with what the server did.
 */
export function fakeCall(o: FakeCallOptions): Promise<FakeCallResult> {
  const uniqueId = `1700000000.${++uniqueSeq}`;
  const result: FakeCallResult = { lines: [], argv: [], variables: new Map(), dials: [], hungUp: false };
  return new Promise((resolve, reject) => {
    const socket = connect({ port: o.port, host: o.host ?? '127.0.0.1' }, () => {
      socket.write(headerBlock(o, uniqueId));
      if (o.hangUpAtStart) hangup();
    });
    let buf = '';
    let busy = Promise.resolve();
    const send = (s: string) => void (!socket.destroyed && socket.write(s));
    const hangup = () => {
      if (result.hungUp) return;
      result.hungUp = true;
      send('HANGUP\n');
    };
    const answer = async (line: string) => {
      result.lines.push(line);
      const argv = asteriskArgv(line);
      result.argv.push(argv);
      const word = (argv[0] ?? '').toUpperCase();
      const two = `${word} ${(argv[1] ?? '').toUpperCase()}`;
      if (two === 'GET VARIABLE') {
        if (argv.length !== 3) return send(`520-Invalid command syntax.  Proper usage follows:\n${USAGE[two]}\n520 End of proper usage.\n`);
        const v = result.variables.get(argv[2]!);
        return send(v === undefined ? '200 result=0\n' : `200 result=1 (${v})\n`);
      }
      if (two === 'SET VARIABLE') {
        if (argv.length !== 4) return send(`520-Invalid command syntax.  Proper usage follows:\n${USAGE[two]}\n520 End of proper usage.\n`);
        result.variables.set(argv[2]!, argv[3]!);
        return send('200 result=1\n');
      }
      if (word === 'EXEC') {
        if (argv.length < 2) return send(`520-Invalid command syntax.  Proper usage follows:\n${USAGE.EXEC}\n520 End of proper usage.\n`);
        if (result.hungUp) return send('511 Command Not Permitted on a dead channel or intercept routine\n');
        const app = argv[1]!.toLowerCase();
        const data = argv.slice(2).join(' ');
        if (app === 'playback') return send('200 result=0\n');
        if (app !== 'dial') return send('200 result=-2\n');
        const target = data.split(',')[0]!;
        result.dials.push({ target, data });
        const outcome = o.dial?.(target, data) ?? { status: 'NOANSWER' };
        if (outcome.hold) await outcome.hold;
        if (outcome.callerHangsUp) {
          result.variables.set('DIALSTATUS', 'CANCEL');
          if (outcome.callerHangsUp === 'after-result') {
            send('200 result=-1\n');
            return hangup();
          }
          hangup();
          return send('200 result=-1\n');
        }
        result.variables.set('DIALSTATUS', outcome.status);
        result.variables.set('ANSWEREDTIME', outcome.status === 'ANSWER' ? String(outcome.answeredSeconds ?? 0) : '');
        return send('200 result=0\n');
      }
      if (word === 'ANSWER' || word === 'NOOP' || word === 'VERBOSE') return send(result.hungUp && word === 'ANSWER' ? '511 Command Not Permitted on a dead channel or intercept routine\n' : '200 result=0\n');
      return send('510 Invalid or unknown command\n');
    };
    socket.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        busy = busy.then(() => answer(line)); // res_agi answers one command at a time, in order
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', reject);
    socket.on('close', () => void busy.then(() => resolve(result)));
  });
}

/** A bare connection for hostile cases (garbage, silence, a half block): `closed` settles when the server closes it. */
export function rawClient(port: number, host = '127.0.0.1'): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let received = '';
    socket.on('data', (c) => (received += c.toString('utf8')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once('connect', () => resolve({ socket, received: () => received, closed }));
    socket.once('error', reject);
  });
}
