import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';
import { problem } from '../http/problem.js';

/** Paths the admin app never answers: they belong to the API, the probes, the docs and the phones. */
const RESERVED = [/^\/api(\/|$)/, /^\/directory(\/|$)/, /^\/docs(\/|$)/, /^\/openapi\.json$/, /^\/healthz$/, /^\/readyz$/];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Where `@dialbook/web` keeps its built files, or null when the package is not installed. */
export function webAppDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@dialbook/web/package.json')), 'dist');
  } catch {
    return null;
  }
}

/** Encodings the build writes next to a file (`app-1a2b.js.br`, `app-1a2b.js.gz`), best first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * The encodings an `Accept-Encoding` header accepts (RFC 9110 §12.5.3): `br;q=0` refuses brotli,
 * `*` accepts whatever is not named. Order of preference stays ours (brotli before gzip).
 */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!header) return out;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  for (const { name } of ENCODINGS) {
    const v = q.get(name) ?? (name === 'gzip' ? q.get('x-gzip') : undefined) ?? q.get('*');
    if (v !== undefined && v > 0) out.add(name);
  }
  return out;
}

/** `decodeURIComponent`, or null for a malformed escape (`%ff`, `%`), which it would throw on. */
function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/**
 * The admin single-page app (`@dialbook/web`) at `/`, answered only where no route matched, so every
 * registered route (`/api/v1`, `/healthz`, `/openapi.json`, `/docs`, `/directory/…`, whatever is added
 * later) keeps priority. A file of the build is sent as it is: hashed `assets/` with a year-long
 * immutable cache, everything else `no-cache` with an ETag. Where the build wrote brotli or gzip copies
 * (`.br`, `.gz`), the best one the client accepts is sent with `Content-Encoding` and `Vary:
 * Accept-Encoding`. Any other GET for a page (no file extension) gets `index.html`, so client routes
 * such as `/signup?token=…` work on reload. A path with a malformed percent escape is a 400, a path
 * leaving the build folder a 404. Package not installed: nothing is served. Installed but not built:
 * 503 saying how to build it.
 *
 * Returns null when the request is not the app's to answer.
 */
export function webAppHandler(dir = webAppDir()): (c: Context) => Promise<Response | null> {
  return async (c) => {
    if (!dir || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return null;
    const path = c.req.path;
    if (RESERVED.some((r) => r.test(path))) return null;
    let file: string | null = null;
    if (path !== '/' && extname(path)) {
      const decoded = decodePath(path);
      if (decoded === null) return problem(c, 400, 'DIALBOOK_HTTP_BAD_PATH', `the path ${JSON.stringify(path)} has a malformed percent escape (a % must be followed by two hex digits of UTF-8)`);
      const candidate = normalize(join(dir, decoded));
      if (!candidate.startsWith(dir + sep)) return null;
      file = candidate;
    }
    const found = file ? await fileInfo(file) : null;
    if (file && !found) return null; // a missing asset is a 404, not the app
    const target = found ? file! : join(dir, 'index.html');
    const info = found ?? (await fileInfo(target));
    if (!info) {
      return problem(c, 503, 'DIALBOOK_WEB_NOT_BUILT', `the admin app (@dialbook/web) is not built: run "npm run build" (or "npm run build -w @dialbook/web") and reload; the API works meanwhile at /api/v1 (reference at /docs)`);
    }
    const immutable = path.startsWith('/assets/');
    // A pre-compressed copy the client accepts; whether any copy exists decides `Vary`.
    const variants = await Promise.all(ENCODINGS.map(async (e) => ({ ...e, info: await fileInfo(target + e.suffix) })));
    const accepted = acceptedEncodings(c.req.header('accept-encoding'));
    const chosen = variants.find((v) => v.info && accepted.has(v.name));
    const sent = chosen ? { file: target + chosen.suffix, info: chosen.info! } : { file: target, info };
    const etag = `"${createHash('sha1').update(`${sent.file}:${sent.info.size}:${sent.info.mtimeMs}`).digest('base64url').slice(0, 20)}"`;
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (chosen) headers['content-encoding'] = chosen.name;
    if (variants.some((v) => v.info)) headers.vary = 'Accept-Encoding';
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    if (c.req.method === 'HEAD') return c.body(null, 200, { ...headers, 'content-length': String(sent.info.size) });
    return c.body(new Uint8Array(await readFile(sent.file)), 200, headers);
  };
}

async function fileInfo(file: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch {
    return null;
  }
}
