/**
 * The FastAGI TCP server (node:net): one {@link AgiConnection} per connection from Asterisk's
 * `AGI(agi://host:port/…)`, a cap on concurrent connections, and a draining close.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '@dialbook/core';
import { AsteriskError } from '../errors.js';
import { AgiConnection, type AgiHandler, type AgiStats } from './session.js';

export interface AgiServerOptions {
  host: string;
  /** 0 picks a free port (see `address` after `listen`). */
  port: number;
  maxConnections: number;
  idleTimeoutMs: number;
  /** How long `close()` lets running sessions finish before destroying their sockets. */
  drainTimeoutMs: number;
  logger: Logger;
  handler: AgiHandler;
}

/** A FastAGI server; nothing listens until `listen()`. */
export interface AgiServer {
  /** Start listening. Throws `DIALBOOK_ASTERISK_AGI_LISTEN` when the address cannot be bound. */
  listen(): Promise<{ host: string; port: number }>;
  /**
   * Stop accepting, let running sessions finish for up to `drainTimeoutMs`, then destroy what
   * is left. Resolves when every connection is closed.
   */
  close(): Promise<void>;
  /** Where it listens, once listening. */
  readonly address: { host: string; port: number } | null;
  /** Live counters (a copy). */
  stats(): AgiStats;
}

/**
 * Make a FastAGI server.
 *
 * ```ts
 * const agi = createAgiServer({ host: '127.0.0.1', port: 4573, maxConnections: 200, idleTimeoutMs: 10_000, drainTimeoutMs: 5_000, logger,
 *   handler: async (s) => { await s.setVariable('DIALBOOK_RESULT', 'FAILED'); } });
 * await agi.listen();
 * ```
 */
export function createAgiServer(options: AgiServerOptions): AgiServer {
  const { logger } = options;
  const stats: AgiStats = { accepted: 0, active: 0, rejected: 0, timedOut: 0, protocolErrors: 0, handlerErrors: 0 };
  const connections = new Set<AgiConnection>();
  let next = 0;
  let address: { host: string; port: number } | null = null;
  let closing: Promise<void> | null = null;

  const onConnection = (socket: Socket) => {
    socket.on('error', () => undefined); // a reset during accept or rejection is no one's concern
    if (closing || connections.size >= options.maxConnections) {
      stats.rejected++;
      logger.warn({ remote: socket.remoteAddress, active: connections.size, max: options.maxConnections, closing: !!closing }, 'AGI connection refused: at the connection limit or stopping (Asterisk continues the dialplan with AGISTATUS=FAILURE)');
      socket.destroy();
      return;
    }
    stats.accepted++;
    const conn = new AgiConnection(socket, ++next, { idleTimeoutMs: options.idleTimeoutMs, logger, handler: options.handler, stats });
    connections.add(conn);
    stats.active = connections.size;
    void conn.closed.then(() => {
      connections.delete(conn);
      stats.active = connections.size;
    });
  };

  const server: Server = createServer({ noDelay: true }, onConnection);
  server.on('error', (err) => logger.error({ err }, 'AGI server error'));

  return {
    get address() {
      return address;
    },
    stats: () => ({ ...stats }),

    listen: () =>
      new Promise((resolve, reject) => {
        const fail = (err: Error) =>
          reject(new AsteriskError('DIALBOOK_ASTERISK_AGI_LISTEN', `FastAGI server cannot listen on ${options.host}:${options.port}: ${err.message} (set options.agi.host / agi.port)`, { cause: err, field: 'agi.port' }));
        server.once('error', fail);
        server.listen(options.port, options.host, () => {
          server.off('error', fail);
          const a = server.address();
          address = a && typeof a === 'object' ? { host: a.address, port: a.port } : { host: options.host, port: options.port };
          logger.info({ ...address }, 'FastAGI server listening');
          resolve(address);
        });
      }),

    close: () => {
      closing ??= (async () => {
        // server.close stops accepting at once but calls back only when every connection is gone.
        const stopped = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
        const open = [...connections];
        if (open.length) {
          logger.info({ sessions: open.length, drainTimeoutMs: options.drainTimeoutMs }, 'FastAGI server stopping: draining sessions');
          const all = Promise.all(open.map((c) => c.closed));
          let timer: NodeJS.Timeout | undefined;
          const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), options.drainTimeoutMs)));
          if ((await Promise.race([all, deadline])) === 'late') {
            const left = [...connections];
            logger.warn({ sessions: left.length }, 'FastAGI sessions still running at the drain deadline: closing them');
            for (const c of left) c.socket.destroy();
            await Promise.all(left.map((c) => c.closed));
          }
          clearTimeout(timer);
        }
        await stopped;
        address = null;
      })();
      return closing;
    },
  };
}
