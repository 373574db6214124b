/**
 * One Placetel instance at run time: its options, settings per site, site tokens, replay guard
 * and REST clients. Made in `setup` and handed to `start`/`stop`: no module-level state.
 */
import { isDialbookError, type DialbookError, type PluginContext, type SiteDto } from '@dialbook/core';
import { PlacetelError } from './errors.js';
import type { PlacetelOptions } from './options.js';
import type { SiteParties } from './parties.js';
import { ReplayGuard } from './replay.js';
import { PlacetelRestClient } from './rest-client.js';
import type { PlacetelSettings } from './settings.js';
import { SiteCache, type SiteState } from './site-cache.js';
import { SiteTokens } from './site-tokens.js';

export type Ctx = PluginContext<PlacetelOptions, PlacetelSettings>;

/** Test seams: a faster wait for Retry-After, another clock. */
export interface RuntimeHooks {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

export class PlacetelRuntime {
  readonly tokens: SiteTokens;
  readonly replay: ReplayGuard;
  readonly stopping = new AbortController();
  readonly now: () => number;
  /** Site, settings and parties for the webhook (a few seconds; cleared when the settings change). */
  readonly sites: SiteCache;

  constructor(
    readonly ctx: Ctx,
    readonly hooks: RuntimeHooks = {},
  ) {
    const em = () => ctx.db.em();
    this.now = hooks.now ?? Date.now;
    this.tokens = new SiteTokens(em, ctx.id);
    this.replay = new ReplayGuard(em, ctx.id, () => ctx.options.replayHours, this.now);
    this.sites = new SiteCache((siteId) => this.loadSite(siteId));
    ctx.hooks.on('settings.changed', ({ category }) => {
      if (category === ctx.id) this.sites.clear();
    });
  }

  get options(): PlacetelOptions {
    return this.ctx.options;
  }

  /** The source id calls are recorded under: the instance id (`placetel`). */
  get source(): string {
    return this.ctx.id;
  }

  site(siteId: string): Promise<SiteDto> {
    return this.ctx.sites.get(siteId);
  }

  /** A site's settings; 409 DIALBOOK_PLACETEL_NOT_CONFIGURED when they cannot be read (no secret key, invalid values). */
  async settingsFor(siteId: string): Promise<PlacetelSettings> {
    try {
      return await this.ctx.settings.get(siteId);
    } catch (err) {
      if (isDialbookError(err) && (err.code === 'DIALBOOK_SETTINGS_INVALID' || err.code.startsWith('DIALBOOK_SECRET_KEY'))) {
        throw new PlacetelError('DIALBOOK_PLACETEL_NOT_CONFIGURED', `Placetel "${this.ctx.id}" cannot read the settings of site ${siteId}: ${err.message}`, { cause: err, plugin: this.ctx.id });
      }
      throw err;
    }
  }

  async parties(siteId: string, settings: PlacetelSettings): Promise<SiteParties> {
    return this.partiesOf(await this.site(siteId), settings);
  }

  private async loadSite(siteId: string): Promise<SiteState> {
    const [site, settings] = await Promise.all([this.site(siteId), this.settingsFor(siteId)]);
    return { site, settings, parties: await this.partiesOf(site, settings) };
  }

  /**
   * The site's numbers and peers, with each peer's user as an id: a mapping to an e-mail address is
   * looked up (`ctx.users`); an address no user has is dropped from the map and logged, so the call
   * is still recorded, without a user.
   */
  private async partiesOf(site: SiteDto, settings: PlacetelSettings): Promise<SiteParties> {
    const peers: Record<string, string> = {};
    await Promise.all(
      Object.entries(settings.peers).map(async ([peer, user]) => {
        if (!user.includes('@')) {
          peers[peer] = user;
          return;
        }
        const found = await this.ctx.users.findByEmail(user);
        if (found) peers[peer] = found.id;
        else this.ctx.logger.warn({ siteId: site.id, peer }, 'placetel: the SIP peer maps to an e-mail address no Dialbook user has; its calls are recorded without a user');
      }),
    );
    return { numbers: settings.numbers, peers, country: site.defaultCountry ?? 'DE' };
  }

  /** The REST client of a site; 409 naming `apiKey` while none is set. */
  client(siteId: string, settings: PlacetelSettings, extra: { signal?: AbortSignal; onThrottle?: (ms: number, attempt: number) => void } = {}): PlacetelRestClient {
    if (!settings.apiKey) throw new PlacetelError('DIALBOOK_PLACETEL_NOT_CONFIGURED', `no REST API key is set for site ${siteId}: set apiKey (Placetel: Integrations → Web API)`, { field: 'apiKey', plugin: this.ctx.id });
    const signals = [this.stopping.signal, ...(extra.signal ? [extra.signal] : [])];
    return new PlacetelRestClient({
      baseUrl: this.options.apiBaseUrl,
      apiKey: settings.apiKey,
      maxRetries: this.options.maxRetries,
      maxRetryAfterSeconds: this.options.maxRetryAfterSeconds,
      timeoutSeconds: this.options.timeoutSeconds,
      plugin: this.ctx.id,
      signal: AbortSignal.any(signals),
      ...(this.hooks.sleep ? { sleep: this.hooks.sleep } : {}),
      ...(extra.onThrottle ? { onThrottle: extra.onThrottle } : {}),
    });
  }

  /** The sites with anything set up (a secret, a key, or unsigned delivery allowed). */
  async configuredSites(): Promise<{ site: SiteDto; settings: PlacetelSettings }[]> {
    const out: { site: SiteDto; settings: PlacetelSettings }[] = [];
    for (const site of await this.ctx.sites.list()) {
      const settings = await this.settingsFor(site.id).catch(() => null);
      if (settings && (settings.secret || settings.apiKey || settings.allowUnsigned)) out.push({ site, settings });
    }
    return out;
  }

  /** Is this error a refusal to report as it is (4xx), rather than a failure? */
  static isRefusal(err: unknown): err is DialbookError {
    return isDialbookError(err) && err.status < 500;
  }
}
