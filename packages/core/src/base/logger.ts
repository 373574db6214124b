import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The root logger: JSON lines on stdout (pipe through `pino-pretty` to read them).
 * Each plugin gets `logger.child({ plugin: id })`.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'dialbook' },
    redact: { paths: ['*.password', '*.secret', '*.token', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
