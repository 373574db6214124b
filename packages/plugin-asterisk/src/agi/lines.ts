/**
 * Incremental line decoding for AGI: bytes in, whole lines out. AGI lines end in `\n` (a `\r`
 * before it is dropped too). A line longer than the limit is refused rather than buffered, so a
 * peer sending garbage without line breaks cannot grow memory.
 */
import { StringDecoder } from 'node:string_decoder';
import { AsteriskError } from '../errors.js';

/** The default longest line: far beyond any AGI line (a header value, a GET VARIABLE answer). */
export const MAX_LINE_LENGTH = 8192;

/**
 * Split a byte stream into lines. Pure apart from its own buffer; UTF-8 characters split across
 * chunks are kept whole.
 *
 * ```ts
 * const d = new LineDecoder();
 * d.push(Buffer.from('agi_network: yes\r\nagi_req')); // ['agi_network: yes']
 * d.push('uest: agi://x/\n');                         // ['agi_request: agi://x/']
 * ```
 */
export class LineDecoder {
  readonly #max: number;
  readonly #utf8 = new StringDecoder('utf8');
  #pending = '';

  constructor(maxLineLength: number = MAX_LINE_LENGTH) {
    this.#max = maxLineLength;
  }

  /**
   * The complete lines in `chunk` (with what was pending before it), without their terminators.
   * Throws `DIALBOOK_ASTERISK_AGI_LINE_TOO_LONG` when a line exceeds the limit; the decoder is of
   * no further use then (the connection should be closed).
   */
  push(chunk: Buffer | string): string[] {
    const text = this.#pending + (typeof chunk === 'string' ? chunk : this.#utf8.write(chunk));
    const parts = text.split('\n');
    this.#pending = parts.pop()!;
    const lines: string[] = [];
    for (const part of parts) {
      const line = part.endsWith('\r') ? part.slice(0, -1) : part;
      if (line.length > this.#max) throw tooLong(line.length, this.#max);
      lines.push(line);
    }
    if (this.#pending.length > this.#max) {
      const n = this.#pending.length;
      this.#pending = '';
      throw tooLong(n, this.#max);
    }
    return lines;
  }

  /** Characters received after the last line break (an unfinished line). */
  get pending(): number {
    return this.#pending.length;
  }
}

const tooLong = (length: number, max: number) =>
  new AsteriskError('DIALBOOK_ASTERISK_AGI_LINE_TOO_LONG', `AGI peer sent a line of more than ${max} characters (${length} so far) — not AGI; closing`, { details: { max } });
