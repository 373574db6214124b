/**
 * A lean keep-alive HTTP/1.1 JSON client for load benches (node:http with a pooled agent: less
 * per-request work than `fetch`, so the client stays far from being the bottleneck).
 *
 * ```ts
 * const http = createHttpClient('http://127.0.0.1:3000', 100);
 * const r = await http.post('/api/v1/routing/decide', { did, caller, callId }, { authorization: `Bearer ${token}` });
 * ```
 */
import { Agent, request } from 'node:http';

export interface HttpReply {
  status: number;
  json: unknown;
}

export interface HttpClient {
  get(path: string, headers?: Record<string, string>): Promise<HttpReply>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpReply>;
  close(): void;
}

export function createHttpClient(baseUrl: string, connections: number): HttpClient {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const send = (method: string, path: string, body: string | null, headers: Record<string, string>) =>
    new Promise<HttpReply>((resolve, reject) => {
      const req = request({ agent, host: url.hostname, port: url.port, method, path, headers: body === null ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: unknown = null;
          if (text && res.headers['content-type']?.includes('json')) json = JSON.parse(text);
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  return {
    get: (path, headers = {}) => send('GET', path, null, headers),
    post: (path, body, headers = {}) => send('POST', path, JSON.stringify(body), headers),
    close: () => agent.destroy(),
  };
}
