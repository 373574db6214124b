import vCard from 'vcf';
import { EntryError, readDateTime, readKind, unreadableFile, type ParsedCallHistory, type PhoneCallEntry, type PhoneEntryFailure } from './phone-import-entries.js';

/**
 * A phone's call history as PBAP exports it (`telecom/cch.vcf`, `ich.vcf`, `och.vcf`, `mch.vcf`):
 * one vCard 2.1 or 3.0 per call, with
 * - `X-IRMC-CALL-DATETIME;RECEIVED:20261103T101500` (or `;DIALED`, `;MISSED`, or `;TYPE=…`), the
 *   call's kind and when it was;
 * - `TEL` (absent or empty for a withheld number) and `FN`/`N`, in vCard 2.1 often
 *   `CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE` with soft line breaks.
 *
 * The file is cut into cards here (so each has its entry number and line), quoted-printable values
 * are decoded, and each card is parsed by the `vcf` library. A card that is not a call fails alone;
 * a file whose structure is broken (text outside a card, a card without `END:VCARD`) is refused
 * whole, naming the entry and line.
 */
export function parseCallHistoryVcards(text: string, timeZone: string): ParsedCallHistory {
  const entries: PhoneCallEntry[] = [];
  const failed: PhoneEntryFailure[] = [];
  const cards = splitCards(text);
  if (!cards.length) throw unreadableFile('the file holds no vCard (no BEGIN:VCARD line)', { line: 1 });
  cards.forEach((card, i) => {
    const entry = i + 1;
    try {
      entries.push({ entry, line: card.line, ...readCard(card.lines, timeZone) });
    } catch (err) {
      if (!(err instanceof EntryError || err instanceof SyntaxError || (err instanceof Error && /version/i.test(err.message)))) throw err;
      failed.push({ entry, line: card.line, message: err.message });
    }
  });
  return { format: 'vcard', entries, failed, total: cards.length };
}

interface Card {
  line: number;
  /** Logical lines (unfolded, quoted-printable decoded), BEGIN and END included. */
  lines: string[];
}

const BEGIN = /^BEGIN:VCARD\s*$/i;
const END = /^END:VCARD\s*$/i;
const QP = /^[^:]*;(?:ENCODING=)?QUOTED-PRINTABLE[;:]/i;

/** The file's cards, each with the line it starts at; folded lines joined, quoted-printable decoded. */
function splitCards(text: string): Card[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const cards: Card[] = [];
  let current: Card | null = null;
  for (let n = 0; n < physical.length; n++) {
    let line = physical[n]!;
    const at = n + 1;
    if (!current) {
      if (!line.trim()) continue;
      if (!BEGIN.test(line)) throw unreadableFile(`line ${at}: "${line.slice(0, 40)}" is outside a vCard (expected BEGIN:VCARD)`, { entry: cards.length + 1, line: at });
      current = { line: at, lines: ['BEGIN:VCARD'] };
      continue;
    }
    if (BEGIN.test(line)) throw unreadableFile(`entry ${cards.length + 1} (line ${current.line}) has no END:VCARD before the next BEGIN:VCARD at line ${at}`, { entry: cards.length + 1, line: current.line });
    if (END.test(line)) {
      current.lines.push('END:VCARD');
      cards.push(current);
      current = null;
      continue;
    }
    if (/^[ \t]/.test(line) && current.lines.length > 1) {
      current.lines[current.lines.length - 1] += line.slice(1); // folded
      continue;
    }
    if (QP.test(line)) {
      // Soft line breaks: a line ending in `=` goes on on the next one.
      while (line.endsWith('=') && n + 1 < physical.length && !END.test(physical[n + 1]!)) line = line.slice(0, -1) + physical[++n]!;
      line = decodeQuotedPrintable(line);
    }
    if (line.trim()) current.lines.push(line);
  }
  if (current) throw unreadableFile(`entry ${cards.length + 1} (line ${current.line}) has no END:VCARD: the file is cut short`, { entry: cards.length + 1, line: current.line });
  return cards;
}

/** `N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4D=C3=BC…` → `N:Mü…` (the encoding and charset parameters gone, the value decoded). */
function decodeQuotedPrintable(line: string): string {
  const colon = line.indexOf(':');
  const params = line.slice(0, colon).split(';');
  const charset = params.find((p) => /^CHARSET=/i.test(p))?.slice(8) ?? 'utf-8';
  const kept = params.filter((p) => !/^(ENCODING=)?QUOTED-PRINTABLE$/i.test(p) && !/^CHARSET=/i.test(p));
  const raw = line.slice(colon + 1);
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = raw[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(raw.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(raw[i]!, 'utf8'));
  }
  let decoded: string;
  try {
    decoded = new TextDecoder(charset).decode(new Uint8Array(bytes));
  } catch {
    throw new EntryError(`unknown CHARSET "${charset.slice(0, 40)}"`);
  }
  return `${kept.join(';')}:${decoded.replace(/\r\n|\r|\n/g, ' ')}`;
}

type Prop = vCard.Property & Record<string, unknown>;
const all = (card: vCard, key: string): Prop[] => {
  const p = card.get(key) as Prop | Prop[] | undefined;
  return p === undefined ? [] : Array.isArray(p) ? p : [p];
};
const valueOf = (p: Prop | undefined): string => (p ? String(p.valueOf() ?? '') : '');
/** A vCard text value unescaped (`\,` `\;` `\n`). */
const unescape = (s: string) => s.replace(/\\([\\,;])/g, '$1').replace(/\\n/gi, ' ').trim();

function readCard(lines: string[], timeZone: string): Omit<PhoneCallEntry, 'entry' | 'line'> {
  const card = new vCard().parse(lines.join('\r\n'));
  const stamp = all(card, 'xIrmcCallDatetime')[0];
  if (!stamp) throw new EntryError('no X-IRMC-CALL-DATETIME: not a call-history entry');
  const types = ([] as unknown[]).concat(stamp.type ?? []).map(String);
  const kind = types.map(readKind).find((k) => k !== null);
  if (!kind) throw new EntryError(`X-IRMC-CALL-DATETIME says no kind of call (RECEIVED, DIALED or MISSED)${types.length ? `, only ${types.map((t) => t.toUpperCase()).join(', ').slice(0, 60)}` : ''}`);
  const written = valueOf(stamp).trim();
  const startedAt = readDateTime(written, timeZone);
  const number = all(card, 'tel').map((p) => valueOf(p).replace(/^tel:/i, '').trim()).find(Boolean) ?? null;
  return { kind, startedAt, number, name: nameOf(card), durationSeconds: null, written };
}

/** `FN`, else `N` (family;given;middle;prefix;suffix) as "prefix given middle family suffix"; null when both are empty. */
function nameOf(card: vCard): string | null {
  const fn = unescape(valueOf(all(card, 'fn')[0]));
  if (fn) return fn;
  const [family, given, middle, prefix, suffix] = valueOf(all(card, 'n')[0]).split(/(?<!\\);/).map(unescape);
  return [prefix, given, middle, family, suffix].filter(Boolean).join(' ') || null;
}
