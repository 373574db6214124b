/**
 * AXL schema versions: the ones this package can speak, what a cluster's HTTP 599 page says it
 * offers, and the best match between the two. Pure.
 */

/**
 * Schema versions the built-in service description can be written for, newest first. There was no
 * CUCM 13; 15 made no API change but has its own schema version (AXL Developer Guide, versioning).
 */
export const KNOWN_VERSIONS = ['15.0', '14.0', '12.5', '12.0', '11.5', '11.0', '10.5', '10.0'] as const;

export const NEWEST_VERSION = KNOWN_VERSIONS[0];

/** `14.0` → [14, 0]; `12.x` → [12, NaN]; null when not a version. */
function parts(v: string): [number, number] | null {
  const m = /^(\d{1,2})\.(\d|x)$/i.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), m[2]!.toLowerCase() === 'x' ? Number.NaN : Number(m[2])];
}

export const isVersion = (v: string): boolean => /^\d{1,2}\.\d$/.test(v.trim());

/** Newest first. */
export function sortVersions(vs: Iterable<string>): string[] {
  return [...new Set(vs)].sort((a, b) => {
    const pa = parts(a) ?? [0, 0];
    const pb = parts(b) ?? [0, 0];
    return pb[0] - pa[0] || (Number.isNaN(pb[1]) ? 9 : pb[1]) - (Number.isNaN(pa[1]) ? 9 : pa[1]);
  });
}

/**
 * The versions a 599 answer offers. CUCM answers with an HTML page; public captures read
 * "Supported axl versions are 12.x, 14.0 and 15.0" and "Incorrect axl version. Supported axl
 * versions: 10.0, 10.5, 11.0". Read it loosely: tags stripped, every `N.N` or `N.x` after the
 * word "supported" (or anywhere, when that word is missing). Returns e.g. `['12.x', '14.0', '15.0']`.
 */
export function parseSupportedVersions(body: unknown): string[] {
  if (typeof body !== 'string' || !body) return [];
  const text = body.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ');
  const at = text.search(/supported/i);
  const tail = at >= 0 ? text.slice(at) : text;
  const found = tail.match(/\b\d{1,2}\.(?:\d|x)\b/gi) ?? [];
  return sortVersions(found.map((v) => v.toLowerCase()));
}

/** Does the offered `12.x` / `14.0` cover our concrete `12.5`? */
const covers = (offered: string, ours: string): boolean => {
  const o = parts(offered);
  const w = parts(ours);
  if (!o || !w) return false;
  return o[0] === w[0] && (Number.isNaN(o[1]) || o[1] === w[1]);
};

/** The newest of `ours` that the cluster offers, or null. */
export function bestVersion(offered: readonly string[], ours: readonly string[] = KNOWN_VERSIONS): string | null {
  for (const v of sortVersions(ours)) if (offered.some((o) => covers(o, v))) return v;
  return null;
}

/**
 * The schema version that fits a cluster's software version: `14.0.1.13900(155)` → `14.0`,
 * `12.5.1.11900-146` → `12.5`; `15.0.1…` → `15.0`. Null when not among `ours`.
 */
export function versionForRelease(release: string, ours: readonly string[] = KNOWN_VERSIONS): string | null {
  const m = /^(\d{1,2})\.(\d)/.exec(release.trim());
  if (!m) return null;
  const exact = `${m[1]}.${m[2]}`;
  if (ours.includes(exact)) return exact;
  // 11.6 or 12.1: the newest schema of that major below it.
  const lower = sortVersions(ours).find((v) => parts(v)![0] === Number(m[1]) && parts(v)![1] <= Number(m[2]));
  return lower ?? null;
}
