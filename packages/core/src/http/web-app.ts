import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';
import { problem } from './problem.js';

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

/**
 * The admin single-page app (`@dialbook/web`) at `/`, answered only where no route matched, so every
 * registered route (`/api/v1`, `/healthz`, `/openapi.json`, `/docs`, `/directory/…`, whatever is added
 * later) keeps priority. A file of the build is sent as it is: hashed `assets/` with a year-long
 * immutable cache, everything else `no-cache` with an ETag. Any other GET for a page (no file
 * extension) gets `index.html`, so client routes such as `/signup?token=…` work on reload. Package
 * not installed: nothing is served. Installed but not built: 503 saying how to build it.
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
      const candidate = normalize(join(dir, decodeURIComponent(path)));
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
    const etag = `"${createHash('sha1').update(`${target}:${info.size}:${info.mtimeMs}`).digest('base64url').slice(0, 20)}"`;
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    if (c.req.method === 'HEAD') return c.body(null, 200, headers);
    return c.body(new Uint8Array(await readFile(target)), 200, headers);
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
