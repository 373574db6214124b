import type { Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Dialbook } from './dialbook.js';
import { createApp } from './http.js';

export interface RunningServer {
  server: ServerType;
  port: number;
  url: string;
  /** Stop accepting requests, stop plugins in reverse order, close the database. */
  close(): Promise<void>;
}

/** Listen on `config.server` (or the given port) and serve the app (built here unless given). */
export async function listen(dialbook: Dialbook, options: { port?: number; host?: string; app?: Hono<never> | Hono } = {}): Promise<RunningServer> {
  const app = options.app ?? createApp(dialbook);
  const port = options.port ?? dialbook.config.server.port;
  const host = options.host ?? dialbook.config.server.host;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  dialbook.vendorHub.attach(server as Server); // websocket for remote vendor services (/api/v1/vendor-services/ws)
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  let closing: Promise<void> | undefined;
  return {
    server,
    port: actual,
    url: `http://${shownHost}:${actual}`,
    close: () =>
      (closing ??= (async () => {
        await dialbook.vendorHub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        });
        await dialbook.stop();
      })()),
  };
}

/** Shut down cleanly on SIGTERM/SIGINT; a second signal, or the time limit, forces exit. */
export function closeOnSignals(running: RunningServer, dialbook: Dialbook): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      dialbook.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    signalled = true;
    dialbook.logger.info({ signal }, 'shutting down');
    const limit = dialbook.config.shutdownTimeoutMs * Math.max(1, dialbook.plugins.length) + 5_000;
    const force = setTimeout(() => {
      dialbook.logger.error(`shutdown took longer than ${limit} ms; exiting`);
      process.exit(1);
    }, limit);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        dialbook.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
