/**
 * A protocol-level double of Placetel's REST API v2, on a real port (node:http). It follows
 * calls.md §2.3, itself from Placetel's OpenAPI (https://api.placetel.de/v2/docs/, via
 * andreslemik/placetel_api docs/CallsApi.md and docs/Call.md) and the 429 handling of
 * placetel-web-api-mcp-server src/services/client.ts:
 * - `Authorization: Bearer <key>`, else 401;
 * - `GET /v2/me` → `{ name, company, … }`;
 * - `GET /v2/calls?filter[date]=YYYY-MM-DD&page=N&per_page=M` → a **bare JSON array** (no total,
 *   no next link) of that day's calls (the Berlin day of `received_at`), newest first
 *   (`order=desc`), `per_page` default 25, at most 100;
 * - `429` with `Retry-After` (seconds) for the next N requests when told to throttle;
 * - `GET /files/<name>` serves a recording as `audio/mpeg` (a signed `file_url`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RestCall } from '../src/rest-mapping.js';

export interface PlacetelDouble {
  url: string;
  key: string;
  calls: RestCall[];
  /** Every request's path and query, in order. */
  requests: string[];
  /** Answer the next `n` requests with 429 and this Retry-After. */
  throttle(n: number, retryAfter: string): void;
  files: Map<string, Buffer>;
  /** Answer every API request this much later (a slow Placetel). */
  delayMs: number;
  close(): Promise<void>;
}

const berlinDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });

export async function startPlacetelDouble(key = 'test-api-key-0123456789'): Promise<PlacetelDouble> {
  let throttled = 0;
  let retryAfter = '1';
  const state = { calls: [] as RestCall[], requests: [] as string[], files: new Map<string, Buffer>() };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  let delayMs = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (delayMs > 0 && !req.url?.startsWith('/files/')) {
      setTimeout(() => serve(req, res), delayMs);
      return;
    }
    serve(req, res);
  };
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://double');
    state.requests.push(`${url.pathname}${url.search}`);
    if (url.pathname.startsWith('/files/')) {
      const file = state.files.get(url.pathname.slice('/files/'.length));
      if (!file) return send(res, 404, { error: 'expired' });
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(file.length) });
      return res.end(file);
    }
    if (req.headers.authorization !== `Bearer ${key}`) return send(res, 401, { error: 'Unauthorized' });
    if (throttled > 0) {
      throttled--;
      return send(res, 429, { error: 'Too Many Requests' }, { 'retry-after': retryAfter });
    }
    if (url.pathname === '/v2/me') return send(res, 200, { id: 1, name: 'Test Admin', company: 'Example GmbH', email: 'admin@example.invalid' });
    if (url.pathname === '/v2/calls') {
      const day = url.searchParams.get('filter[date]') ?? berlinDay.format(new Date());
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
      const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 25)));
      const rows = state.calls.filter((c) => berlinDay.format(new Date(c.received_at)) === day).sort((a, b) => b.received_at.localeCompare(a.received_at));
      return send(res, 200, rows.slice((page - 1) * perPage, page * perPage));
    }
    return send(res, 404, { error: 'Not Found' });
  };
  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    get calls() {
      return state.calls;
    },
    set calls(v) {
      state.calls = v;
    },
    requests: state.requests,
    files: state.files,
    get delayMs() {
      return delayMs;
    },
    set delayMs(v) {
      delayMs = v;
    },
    throttle(n, after) {
      throttled = n;
      retryAfter = after;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
