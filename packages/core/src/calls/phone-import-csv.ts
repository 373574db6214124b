import { CsvError, parse } from 'csv-parse/sync';
import { EntryError, readDateTime, readDuration, readKind, unreadableFile, type ParsedCallHistory, type PhoneCallEntry, type PhoneEntryFailure } from './phone-import-entries.js';

/**
 * A CSV of calls (a phone app's or a spreadsheet's export): a header row, then one call per row,
 * separated by `,` or `;` (or tab; read from the header line), a UTF-8 BOM tolerated. Columns are
 * found by their header, case and spaces ignored:
 * - `date`, `datetime`, `started`, `start`, `time`, `timestamp`, `call date` (required): see `readDateTime`;
 * - `number`, `phone`, `phone number`, `tel`, `telephone` (required);
 * - `type`, `direction`, `call type`, `kind` (required): received/incoming/inbound, dialed/outgoing/outbound, missed;
 * - `name`, `contact`, `contact name`, `caller` (optional);
 * - `duration`, `duration seconds`, `seconds`, `length` (optional): seconds or h:mm:ss.
 */
const COLUMNS = {
  date: ['date', 'datetime', 'started', 'startedat', 'start', 'time', 'timestamp', 'calldate', 'calldatetime'],
  number: ['number', 'phone', 'phonenumber', 'tel', 'telephone', 'remotenumber'],
  type: ['type', 'direction', 'calltype', 'kind'],
  name: ['name', 'contact', 'contactname', 'caller', 'remotename'],
  duration: ['duration', 'durationseconds', 'seconds', 'length'],
} as const;
const REQUIRED = ['date', 'number', 'type'] as const;
type Column = keyof typeof COLUMNS;

const norm = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The delimiter the header line uses most: `;`, `,` or tab (outside quotes). */
function sniffDelimiter(text: string): string {
  const header = (/^[^\r\n]*/.exec(text)?.[0] ?? '').replace(/"[^"]*"/g, '');
  const counts = [';', ',', '\t'].map((d) => [d, header.split(d).length - 1] as const);
  return counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

export function parseCallHistoryCsv(text: string, timeZone: string): ParsedCallHistory {
  const body = text.replace(/^\uFEFF/, '');
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(body, { delimiter: sniffDelimiter(body), relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof rows;
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw unreadableFile(`line ${line ?? '?'}: ${err.message.replace(/^Invalid [^:]*:\s*/, '')}`, line ? { line } : {});
    }
    throw err;
  }
  const [header, ...data] = rows;
  if (!header) throw unreadableFile('the file is empty: expected a header row (date, number, type, …)', { line: 1 });
  const index = {} as Partial<Record<Column, number>>;
  header.record.forEach((h, i) => {
    const col = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(norm(h)));
    if (col && index[col] === undefined) index[col] = i;
  });
  for (const col of REQUIRED) {
    if (index[col] === undefined) throw unreadableFile(`the CSV has no "${col}" column (its header may be one of: ${COLUMNS[col].join(', ')})`, { line: 1, column: col });
  }

  const entries: PhoneCallEntry[] = [];
  const failed: PhoneEntryFailure[] = [];
  data.forEach(({ record, info }, i) => {
    const entry = i + 1;
    const line = info.lines;
    const cell = (c: Column) => (index[c] === undefined ? '' : (record[index[c]!] ?? ''));
    try {
      const rawKind = cell('type');
      const kind = readKind(rawKind);
      if (!kind) throw new EntryError(rawKind ? `type "${rawKind.slice(0, 30)}" is none of received/incoming, dialed/outgoing, missed` : 'the type is empty');
      const written = cell('date');
      const startedAt = readDateTime(written, timeZone);
      const durationSeconds = readDuration(cell('duration'));
      entries.push({ entry, line, kind, startedAt, number: cell('number') || null, name: cell('name') || null, durationSeconds: kind === 'missed' ? 0 : durationSeconds, written });
    } catch (err) {
      if (!(err instanceof EntryError)) throw err;
      failed.push({ entry, line, message: err.message });
    }
  });
  return { format: 'csv', entries, failed, total: data.length };
}
