/**
 * One Teams instance at run time: its options, settings per site, a token source per site (MSAL's
 * cache lives in it, so a token serves every sync until it nears expiry) and the cursors. Made
 * in `setup` and handed to `start`/`stop`: no module-level state.
 */
import { createHash } from 'node:crypto';
import { isDialbookError, type PluginContext, type SiteDto } from '@dialbook/core';
import { msalTokenSource, type Credentials, type TokenSource } from './auth.js';
import { CLOUDS } from './clouds.js';
import { NOT_CONFIGURED, TeamsError } from './errors.js';
import { GraphClient } from './graph-client.js';
import { Limiter } from './limiter.js';
import type { TeamsOptions } from './options.js';
import { isConfigured, type TeamsSettings } from './settings.js';
import { Cursors } from './store.js';

export type Ctx = PluginContext<TeamsOptions, TeamsSettings>;

/** Test seams: a faster wait for Retry-After and pacing, another clock. */
export interface RuntimeHooks {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });

export class TeamsRuntime {
  readonly stopping = new AbortController();
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly cursors: Cursors;
  private readonly tokenSources = new Map<string, { key: string; source: TokenSource }>();

  constructor(
    readonly ctx: Ctx,
    hooks: RuntimeHooks = {},
  ) {
    this.now = hooks.now ?? Date.now;
    this.sleep = hooks.sleep ?? wait;
    this.cursors = new Cursors(() => ctx.db.em(), ctx.id);
  }

  get options(): TeamsOptions {
    return this.ctx.options;
  }

  /** The source id calls are recorded under: the instance id (`teams`). */
  get source(): string {
    return this.ctx.id;
  }

  site(siteId: string): Promise<SiteDto> {
    return this.ctx.sites.get(siteId);
  }

  /** A site's settings; 409 NOT_CONFIGURED when they cannot be read (no secret key, invalid values). */
  async settingsFor(siteId: string): Promise<TeamsSettings> {
    try {
      return await this.ctx.settings.get(siteId);
    } catch (err) {
      if (isDialbookError(err) && (err.code === 'DIALBOOK_SETTINGS_INVALID' || err.code.startsWith('DIALBOOK_SECRET_KEY'))) {
        throw new TeamsError('DIALBOOK_TEAMS_NOT_CONFIGURED', `${NOT_CONFIGURED} (${err.message})`, { cause: err, plugin: this.ctx.id });
      }
      throw err;
    }
  }

  /** The site's settings when sign-in is set up, else 409 in the words of the brief. */
  async configured(siteId: string): Promise<TeamsSettings> {
    const s = await this.settingsFor(siteId);
    if (!isConfigured(s)) {
      const field = !s.tenantId ? 'tenantId' : !s.clientId ? 'clientId' : 'clientSecret';
      throw new TeamsError('DIALBOOK_TEAMS_NOT_CONFIGURED', NOT_CONFIGURED, { field, plugin: this.ctx.id });
    }
    return s;
  }

  /** The sites whose sign-in is set up. */
  async configuredSites(): Promise<{ site: SiteDto; settings: TeamsSettings }[]> {
    const out: { site: SiteDto; settings: TeamsSettings }[] = [];
    for (const site of await this.ctx.sites.list()) {
      const settings = await this.settingsFor(site.id).catch(() => null);
      if (settings && isConfigured(settings)) out.push({ site, settings });
    }
    return out;
  }

  /** The site's token source, made again when its credentials change. */
  tokens(siteId: string, s: TeamsSettings): TokenSource {
    const creds: Credentials = { tenantId: s.tenantId!, clientId: s.clientId!, clientSecret: s.clientSecret, certificate: s.certificate, cloud: s.cloud };
    const key = createHash('sha256').update(JSON.stringify([creds, this.options.authorityHost, this.options.tokenEndpoint])).digest('hex');
    const known = this.tokenSources.get(siteId);
    if (known?.key === key) return known.source;
    const source = msalTokenSource(creds, { plugin: this.ctx.id, authorityHost: this.options.authorityHost, tokenEndpoint: this.options.tokenEndpoint });
    this.tokenSources.set(siteId, { key, source });
    return source;
  }

  /** A Graph client for one sync of a site (its own limiter). */
  graph(siteId: string, s: TeamsSettings, extra: { signal?: AbortSignal; onThrottle?: (ms: number, status: number) => void } = {}): GraphClient {
    const o = this.options;
    const signal = AbortSignal.any([this.stopping.signal, ...(extra.signal ? [extra.signal] : [])]);
    return new GraphClient({
      baseUrl: o.graphBaseUrl ?? `${CLOUDS[s.cloud].graphHost}/v1.0`,
      tokens: this.tokens(siteId, s),
      limiter: new Limiter({ concurrency: o.concurrency, per20s: o.requestsPer20s, sleep: this.sleep, now: this.now }),
      maxRetries: o.maxRetries,
      maxRetryAfterSeconds: o.maxRetryAfterSeconds,
      timeoutSeconds: o.timeoutSeconds,
      plugin: this.ctx.id,
      pageSize: o.pageSize,
      signal,
      sleep: this.sleep,
      now: this.now,
      ...(extra.onThrottle ? { onThrottle: extra.onThrottle } : {}),
    });
  }
}
