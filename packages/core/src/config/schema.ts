import { z } from 'zod';
import { isPlugin, type DialbookPlugin } from '../plugin/define.js';

/** One plugin instance in the deployment config. */
export const PluginEntrySchema = z.object({
  /** npm package name or a path (relative to the config file) whose default export is the plugin. */
  package: z.string().min(1).optional(),
  /** The plugin value itself (TypeScript/JavaScript configs). */
  plugin: z.custom<DialbookPlugin>((v) => isPlugin(v), 'a value made with definePlugin()').optional(),
  options: z.unknown().optional(),
  enabled: z.boolean().default(true),
});

export const ConfigSchema = z
  .object({
    server: z
      .object({
        port: z.coerce.number().int().min(0).max(65535).default(3000),
        host: z.string().default('0.0.0.0'),
        /** Base URL people reach Dialbook at, for links in mails. Default `http://localhost:<port>`. */
        publicUrl: z.url().optional(),
        /** Behind a TLS-terminating proxy: trust `X-Forwarded-Proto`/`-For` (secure cookies, client address). */
        trustProxy: z.boolean().default(false),
        /**
         * The largest request body of an API route that takes an upload (marked with `acceptsUpload`, or in a
         * `createRouter({ uploads: true })` router), in bytes; every other API route takes at most 1 MiB.
         */
        maxUploadBytes: z.coerce.number().int().min(1024 * 1024).default(20 * 1024 * 1024),
      })
      .prefault({}),
    database: z
      .object({
        url: z.string().optional(),
        dataDir: z.string().default('./data'),
        /** PostgreSQL connections per instance at most (env `DIALBOOK_DB_POOL`); SQLite has one connection and ignores it. */
        pool: z.coerce.number().int().min(1).max(1000).default(10),
      })
      .prefault({}),
    /** ISO alpha-2 country for reading national numbers when a site names none. */
    defaultCountry: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'an ISO 3166 alpha-2 country code such as DE')
      .transform((s) => s.toUpperCase())
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** How long each plugin's `stop` may take on shutdown. */
    shutdownTimeoutMs: z.number().int().min(100).default(10_000),
    /** Apply pending migrations on start (default true; `dialbook migrate` does it explicitly). */
    migrateOnStart: z.boolean().default(true),
    /** On an empty database, create a demo site and phonebook. */
    demo: z.boolean().default(false),
    plugins: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'plugin instance ids are lower-case letters, digits and dashes'), PluginEntrySchema).default({}),
    // ---- settings and mail ----
    /**
     * Runtime settings fixed by the deployment, by category: `{ email: { smtp: { host: 'mail.example.net' } } }`.
     * They override the database and are locked in the API. Env: `DIALBOOK_SETTING_<CATEGORY>__<KEY>[__<KEY>…]`.
     */
    settings: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    /**
     * Encrypts secret settings at rest; at least 32 characters (e.g. `openssl rand -base64 32`).
     * Env `DIALBOOK_SECRET_KEY` (prefer it to the config file). Never printed: its length is checked at start.
     */
    secretKey: z.coerce.string().optional(),
    /** The mail outbox worker: poll interval and retry backoff (first retry, doubling, capped). */
    mail: z
      .object({
        pollIntervalMs: z.number().int().min(50).default(1000),
        retryBaseMs: z.number().int().min(10).default(5000),
        retryMaxMs: z.number().int().min(10).default(15 * 60_000),
      })
      .prefault({}),
    /** Remote vendor services (websocket at `/api/v1/vendor-services/ws`): heartbeat and how long the API waits for a service's answer. */
    vendorServices: z
      .object({
        heartbeatMs: z.number().int().min(50).default(15_000),
        answerTimeoutMs: z.number().int().min(50).default(10_000),
      })
      .prefault({}),
  })
  .strict();

export type DialbookConfigInput = z.input<typeof ConfigSchema>;
export type ResolvedConfig = z.output<typeof ConfigSchema> & {
  /** Absolute path of the file the config came from, when there was one. */
  file?: string;
  /** Directory relative plugin paths resolve from. */
  baseDir: string;
};

/** What a TypeScript/JavaScript config file exports. Plugin entries may be the plugin value itself. */
export interface DialbookConfig extends Omit<DialbookConfigInput, 'plugins'> {
  plugins?: Record<string, z.input<typeof PluginEntrySchema> | DialbookPlugin>;
}

/**
 * Type-checked deployment config for `dialbook.config.ts`.
 *
 * ```ts
 * import { defineConfig } from '@dialbook/core';
 * import csv from '@dialbook/example-csv';
 * export default defineConfig({
 *   defaultCountry: 'DE',
 *   plugins: { staff: { plugin: csv, options: { file: './staff.csv' } } },
 * });
 * ```
 */
export const defineConfig = (config: DialbookConfig): DialbookConfig => config;
