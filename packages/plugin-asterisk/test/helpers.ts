/** Shared helpers of the plugin's tests: a logger that records, a FastAGI server on a free port, a gate. */
import type { Logger } from '@dialbook/core';
import { createAgiServer, type AgiServer, type AgiServerOptions } from '../src/agi/server.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  obj: Record<string, unknown>;
}

/** A pino-shaped logger that keeps what it is given, for assertions on what the server logs. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: unknown, msg?: string) => {
    if (typeof obj === 'string') lines.push({ level, msg: obj, obj: {} });
    else lines.push({ level, msg: msg ?? '', obj: (obj ?? {}) as Record<string, unknown> });
  };
  const logger = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), trace: () => undefined, fatal: at('error'), child: () => logger };
  return logger as unknown as Logger & { lines: LogLine[] };
}

/** A started FastAGI server on 127.0.0.1 and a free port; short timeouts unless given. */
export async function startAgi(options: Partial<AgiServerOptions> & Pick<AgiServerOptions, 'handler'>): Promise<{ server: AgiServer; port: number; logger: ReturnType<typeof recordingLogger> }> {
  const logger = recordingLogger();
  const server = createAgiServer({ host: '127.0.0.1', port: 0, maxConnections: 200, idleTimeoutMs: 5_000, drainTimeoutMs: 5_000, logger, ...options });
  const { port } = await server.listen();
  return { server, port, logger };
}

/** A promise and its resolver. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
