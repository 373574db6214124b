/**
 * The AGI protocol layer, pure (no I/O), written from calls.md §3c: command lines out (with
 * Asterisk's quoting), responses in (`200`, `510`, `511`, `520` and its multi-line usage form,
 * the `HANGUP` notice). The header block is in `env.ts`, line splitting in `lines.ts`.
 */
import { AsteriskError } from '../errors.js';

export { parseEnv, MAX_HEADER_LINES, type AgiEnv } from './env.js';
export { LineDecoder, MAX_LINE_LENGTH } from './lines.js';

/** What Asterisk sends inline when the channel hangs up (FastAGI only; a local AGI gets SIGHUP). */
export const HANGUP_LINE = 'HANGUP';

/** The most usage lines kept from a multi-line `520-` answer; more are dropped, not buffered. */
export const MAX_USAGE_LINES = 200;

/** A parsed answer to one command. */
export type AgiResponse =
  | {
      code: 200;
      /** `result=<n>`: the command's return value (`-1` often means the caller hung up). */
      result: number;
      /** The text in parentheses after the result (a variable's value, `timeout`), or null. */
      data: string | null;
      /** `endpos=<n>` (playback commands), or null. */
      endpos: number | null;
      /** Further `key=value` pairs after the result, as sent. */
      extra: Record<string, string>;
      line: string;
    }
  | { code: 510; message: string; line: string }
  | { code: 511; message: string; line: string }
  | {
      code: 520;
      message: string;
      /** The usage text of the multi-line form (`520-…` … `520 End of proper usage.`), or null. */
      usage: string | null;
      line: string;
    };

const SIMPLE_ARG = /^[^\s"\\]+$/;
const COMMAND_NAME = /^[A-Za-z]+(?: [A-Za-z]+)*$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * One argument as Asterisk's argument splitter reads it back: bare when it has no whitespace,
 * quote or backslash, else in double quotes with `"` and `\` escaped by a backslash. The empty
 * string is `""`. `always` quotes even a simple argument (EXEC's application data, by habit).
 * Throws `DIALBOOK_ASTERISK_AGI_ARGUMENT` for control characters: a line break would end the
 * command and start another.
 */
export function quoteArg(arg: string, always = false): string {
  if (CONTROL.test(arg)) {
    throw new AsteriskError('DIALBOOK_ASTERISK_AGI_ARGUMENT', `AGI argument contains a control character (line break?): ${JSON.stringify(arg.slice(0, 80))}`, { field: 'argument' });
  }
  if (!always && SIMPLE_ARG.test(arg)) return arg;
  return `"${arg.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A command line (without its `\n`): the command words as given, then each argument quoted as
 * needed.
 *
 * ```ts
 * encodeCommand('SET VARIABLE', 'CDR(accountcode)', 'client 7') // 'SET VARIABLE CDR(accountcode) "client 7"'
 * ```
 */
export function encodeCommand(command: string, ...args: readonly string[]): string {
  if (!COMMAND_NAME.test(command)) {
    throw new AsteriskError('DIALBOOK_ASTERISK_AGI_ARGUMENT', `AGI command must be words of letters (GET VARIABLE): ${JSON.stringify(command.slice(0, 80))}`, { field: 'command' });
  }
  return [command, ...args.map((a) => quoteArg(a))].join(' ');
}

/**
 * `EXEC <app> "<data>"`: EXEC takes the application and **one** argument string, so `args` are
 * joined with commas (as the dialplan writes them) and always quoted.
 *
 * ```ts
 * encodeExec('Dial', 'PJSIP/+4930123@client-7', '20', 'g') // 'EXEC Dial "PJSIP/+4930123@client-7,20,g"'
 * ```
 */
export function encodeExec(app: string, ...args: readonly string[]): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(app)) {
    throw new AsteriskError('DIALBOOK_ASTERISK_AGI_ARGUMENT', `AGI application name must be letters, digits and _: ${JSON.stringify(app.slice(0, 80))}`, { field: 'app' });
  }
  return args.length ? `EXEC ${app} ${quoteArg(args.join(','), true)}` : `EXEC ${app}`;
}

const OK = /^200 result=(-?\d+)(.*)$/;
const PAIR = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)/;

/** Parse the part of a `200` line after `result=<n>`: ` (data)` then ` key=value` pairs. */
function parseOk(line: string, result: number, rest: string): AgiResponse {
  let data: string | null = null;
  let tail = rest;
  if (tail.startsWith(' (')) {
    // The data is written as "(%s)" and may itself hold spaces and parentheses: it ends at the
    // last ')' that is followed by nothing or by " key=value" pairs.
    const close = lastDataEnd(tail);
    if (close < 0) throw protocol(`AGI response has an unclosed "(": ${JSON.stringify(line.slice(0, 120))}`);
    data = tail.slice(2, close);
    tail = tail.slice(close + 1);
  }
  const extra: Record<string, string> = {};
  while (tail.length) {
    const m = tail.startsWith(' ') ? PAIR.exec(tail.slice(1)) : null;
    if (!m) throw protocol(`AGI response has unexpected text after the result: ${JSON.stringify(line.slice(0, 120))}`);
    extra[m[1]!] = m[2]!;
    tail = tail.slice(1 + m[0].length);
  }
  const endpos = extra.endpos !== undefined && /^\d+$/.test(extra.endpos) ? Number(extra.endpos) : null;
  delete extra.endpos;
  return { code: 200, result, data, endpos, extra, line };
}

function lastDataEnd(tail: string): number {
  for (let i = tail.length - 1; i >= 2; i--) {
    if (tail[i] !== ')') continue;
    const after = tail.slice(i + 1);
    if (after === '' || /^( [A-Za-z_][A-Za-z0-9_]*=\S*)+$/.test(after)) return i;
  }
  return -1;
}

/** What a {@link ResponseReader} makes of a line. */
export type ReaderEvent = { type: 'response'; response: AgiResponse } | { type: 'hangup' } | { type: 'more' };

/**
 * Reads command answers line by line. Most answers are one line; the `520-` form runs until
 * `520 End of proper usage.`, so the reader keeps state between lines. `HANGUP` may come before
 * the answer it interrupts (the caller hung up during a Dial): it is its own event, and the
 * answer still follows.
 *
 * ```ts
 * const r = new ResponseReader();
 * r.push('HANGUP');              // { type: 'hangup' }
 * r.push('200 result=-1');       // { type: 'response', response: { code: 200, result: -1, … } }
 * ```
 */
export class ResponseReader {
  #usage: { first: string; lines: string[] } | null = null;

  /** Read one line. Throws `DIALBOOK_ASTERISK_AGI_PROTOCOL` for a line that is no AGI answer. */
  push(line: string): ReaderEvent {
    if (this.#usage) {
      if (/^520 /.test(line)) {
        const { first, lines } = this.#usage;
        this.#usage = null;
        return { type: 'response', response: { code: 520, message: first.slice(4).trim(), usage: lines.join('\n'), line: first } };
      }
      if (this.#usage.lines.length < MAX_USAGE_LINES) this.#usage.lines.push(line);
      return { type: 'more' };
    }
    if (line === HANGUP_LINE) return { type: 'hangup' };
    if (line.startsWith('520-')) {
      this.#usage = { first: line, lines: [] };
      return { type: 'more' };
    }
    return { type: 'response', response: parseResponse(line) };
  }

  /** True while inside a multi-line `520-` answer. */
  get inUsage(): boolean {
    return this.#usage !== null;
  }
}

/**
 * Parse a one-line answer (`200 …`, `510 …`, `511 …`, `520 …`). Throws
 * `DIALBOOK_ASTERISK_AGI_PROTOCOL` otherwise (use {@link ResponseReader} for the `520-` form and
 * `HANGUP`).
 */
export function parseResponse(line: string): AgiResponse {
  const ok = OK.exec(line);
  if (ok) return parseOk(line, Number(ok[1]), ok[2]!);
  const m = /^(510|511|520) ?(.*)$/.exec(line);
  if (m) {
    const message = m[2]!.trim();
    if (m[1] === '520') return { code: 520, message, usage: null, line };
    return { code: Number(m[1]) as 510 | 511, message, line };
  }
  throw protocol(`not an AGI response: ${JSON.stringify(line.slice(0, 120))}`);
}

const protocol = (message: string) => new AsteriskError('DIALBOOK_ASTERISK_AGI_PROTOCOL', message);
