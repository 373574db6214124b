/**
 * The rule that links one call's records of several sources (Teams and Placetel for a forwarded
 * call, Asterisk and Placetel) into one conversation — pure functions over the records, so the
 * outcome depends on the set of records only, never on the order they arrived in.
 *
 * Two records match when they are of **different sources**, have the same remote E.164 (not null),
 * started at most `windowMs` apart, and their times `[startedAt, endedAt]` overlap — a record without
 * an end yet counts as lasting the window (`[startedAt, startedAt + window]`): a caller who hung up
 * and rang again a few seconds later made two calls; and an admin has not unlinked that pair. A
 * conversation is a group of records that all match each other (so at most one record per source).
 */

/** What the rule reads of a record. */
export interface LinkCandidate {
  id: string;
  source: string;
  remoteE164?: string | null;
  startedAt: Date;
  endedAt?: Date | null;
  answeredAt?: Date | null;
  durationSeconds?: number | null;
}

/** The key of an unordered pair, as `call_link_exclusion` stores it (`a` sorts before `b`). */
export const pairKey = (x: string, y: string): string => (x < y ? `${x}|${y}` : `${y}|${x}`);

/** Earliest first: by `startedAt`, then id. */
export const byStart = (x: LinkCandidate, y: LinkCandidate): number => x.startedAt.getTime() - y.startedAt.getTime() || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);

/** Whether two records may be one call (the rule above, without exclusions). */
export function matches(x: LinkCandidate, y: LinkCandidate, windowMs: number): boolean {
  if (x.source === y.source || !x.remoteE164 || x.remoteE164 !== y.remoteE164) return false;
  const xs = x.startedAt.getTime();
  const ys = y.startedAt.getTime();
  if (Math.abs(xs - ys) > windowMs) return false;
  const xe = x.endedAt ? x.endedAt.getTime() : xs + windowMs;
  const ye = y.endedAt ? y.endedAt.getTime() : ys + windowMs;
  return xs <= ye && ys <= xe;
}

/**
 * Group records into conversations: records are taken earliest first (by `startedAt`, then id),
 * and each joins the first conversation formed so far whose every record it matches and none of
 * whose records it was unlinked from; else it starts one. Groups of one are unlinked records.
 * Each group is sorted earliest first: its first record's id is the conversation's id.
 */
export function groupCalls<T extends LinkCandidate>(records: readonly T[], windowMs: number, excluded: ReadonlySet<string>): T[][] {
  const groups: T[][] = [];
  // Conversations still open to a record, by number: those whose first record started within the window.
  const open = new Map<string, T[][]>();
  for (const r of [...records].sort(byStart)) {
    const list = r.remoteE164 ? open.get(r.remoteE164) : undefined;
    let home: T[] | undefined;
    if (list) {
      while (list.length && r.startedAt.getTime() - list[0]![0]!.startedAt.getTime() > windowMs) list.shift();
      home = list.find((g) => g.every((m) => matches(m, r, windowMs) && !excluded.has(pairKey(m.id, r.id))));
    }
    if (home) {
      home.push(r);
      continue;
    }
    const group = [r];
    groups.push(group);
    if (r.remoteE164) {
      if (list) list.push(group);
      else open.set(r.remoteE164, [group]);
    }
  }
  return groups;
}

/**
 * The record lists and stats show for a conversation: an answered one over others, then the
 * longest duration, then the earliest start, then the lowest id.
 */
export function primaryOf<T extends LinkCandidate>(group: readonly T[]): T {
  return [...group].sort((x, y) => Number(!!y.answeredAt) - Number(!!x.answeredAt) || (y.durationSeconds ?? 0) - (x.durationSeconds ?? 0) || byStart(x, y))[0]!;
}
