/**
 * Graph change notifications on call records (calls.md §1.5), per site: while the setting
 * `notifications` is on, the sign-in is set up and `server.publicUrl` is known, the site has one
 * subscription on `/communications/callRecords` (`created,updated`) whose notifications come to
 * `<publicUrl>/api/v1/plugins/<instance>/notifications` (lifecycle events to `…/notifications/lifecycle`).
 *
 * - created with a fresh random clientState (32 bytes), of which only the hash is stored;
 * - renewed (`PATCH`) once less than a third of its lifetime is left; a renewal answered 404 (Graph
 *   dropped it, or it ran out) subscribes again;
 * - deleted in Graph when the setting goes off.
 * All of it runs one step at a time per instance (`serial`), and per site on one instance of a
 * cluster at a time (a claim on the row), from the schedule, a settings change, a lifecycle event
 * or the button. Polling (the scheduled sync) is never turned off.
 */
import { randomBytes } from 'node:crypto';
import type { TeamsRuntime } from './runtime.js';
import { isConfigured, type TeamsSettings } from './settings.js';
import { SubscriptionRows, type SubscriptionRow } from './subscription-store.js';

/** The lifetime asked for: below Graph's 4,230-minute maximum for callRecords. */
export const LIFETIME_MINUTES = 4200;
/** Renew once less than this is left (a third of the lifetime). */
export const RENEW_BELOW_MS = (LIFETIME_MINUTES * 60_000) / 3;

export const NEEDS_PUBLIC_URL = 'set server.publicUrl (DIALBOOK_PUBLIC_URL) so Graph can reach Dialbook; polling stays on';

export type NotificationsState = 'off' | 'not set up' | 'needs server.publicUrl' | 'pending' | 'active' | 'failing';

/** What the admin view and the health check show of a site (never the clientState). */
export interface SiteNotifications {
  siteId: string;
  state: NotificationsState;
  subscriptionId: string | null;
  expiresAt: string | null;
  lastNotificationAt: string | null;
  lastError: string | null;
  note: string | null;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

export class Subscriptions {
  readonly rows: SubscriptionRows;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly rt: TeamsRuntime) {
    this.rows = new SubscriptionRows(() => rt.ctx.db.em(), rt.ctx.id);
  }

  /** Where Graph posts, or null without `server.publicUrl`. */
  urls(): { notificationUrl: string; lifecycleNotificationUrl: string } | null {
    const base = this.rt.ctx.publicUrl;
    if (!base) return null;
    const notificationUrl = `${base}/api/v1/plugins/${this.rt.ctx.id}/notifications`;
    return { notificationUrl, lifecycleNotificationUrl: `${notificationUrl}/lifecycle` };
  }

  /** Every site brought in line with its settings: created, renewed when due, or deleted. */
  reconcile(): Promise<void> {
    return this.serial(async () => {
      for (const site of await this.rt.ctx.sites.list()) await this.ensure(site.id);
    });
  }

  /** Renew a site's subscription now (lifecycle `reauthorizationRequired`). */
  renew(siteId: string): Promise<void> {
    return this.serial(() => this.ensure(siteId, 'renew'));
  }

  /** A new subscription for a site (lifecycle `subscriptionRemoved`). */
  resubscribe(siteId: string): Promise<void> {
    return this.serial(() => this.ensure(siteId, 'create'));
  }

  /** The state of every site, for the view, its route and the health check. */
  async status(): Promise<SiteNotifications[]> {
    const rows = new Map((await this.rows.list()).map((r) => [r.siteId, r]));
    const out: SiteNotifications[] = [];
    for (const site of await this.rt.ctx.sites.list()) {
      const settings = await this.rt.settingsFor(site.id).catch(() => null);
      out.push(this.stateOf(site.id, settings, rows.get(site.id) ?? null));
    }
    return out;
  }

  private stateOf(siteId: string, settings: TeamsSettings | null, row: SubscriptionRow | null): SiteNotifications {
    const base = { siteId, subscriptionId: row?.subscriptionId ?? null, expiresAt: row?.expiresAt?.toISOString() ?? null, lastNotificationAt: row?.lastNotificationAt?.toISOString() ?? null, lastError: row?.lastError ?? null };
    if (!settings?.notifications) return { ...base, state: 'off', note: 'polling only (setting notifications is off)' };
    if (!isConfigured(settings)) return { ...base, state: 'not set up', note: 'set tenant, client id and secret first' };
    if (!this.urls()) return { ...base, state: 'needs server.publicUrl', note: NEEDS_PUBLIC_URL };
    if (!row) return { ...base, state: 'pending', note: 'the subscription is being made' };
    const expired = row.expiresAt && row.expiresAt.getTime() <= this.rt.now();
    if (row.state === 'failing' || expired) return { ...base, state: 'failing', note: expired ? 'the subscription ran out; polling stays on' : 'the last create or renewal failed; polling stays on' };
    if (row.state === 'active' && row.subscriptionId) return { ...base, state: 'active', note: null };
    return { ...base, state: 'pending', note: 'the subscription is being made' };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async ensure(siteId: string, force?: 'renew' | 'create'): Promise<void> {
    if (this.rt.stopping.signal.aborted) return;
    const settings = await this.rt.settingsFor(siteId).catch(() => null);
    const urls = this.urls();
    const wanted = !!(settings?.notifications && isConfigured(settings) && urls);
    if (!wanted && !(await this.rows.get(siteId))) return;
    // One instance of a cluster at a time per site; the others leave it to that one.
    if (!(await this.rows.claim(siteId, this.rt.now()))) return;
    try {
      await this.ensureClaimed(siteId, settings, urls, force);
    } finally {
      await this.rows.release(siteId).catch(() => undefined);
    }
  }

  private async ensureClaimed(siteId: string, settings: TeamsSettings | null, urls: ReturnType<Subscriptions['urls']>, force?: 'renew' | 'create'): Promise<void> {
    const row = await this.rows.get(siteId);
    if (!settings?.notifications || !isConfigured(settings) || !urls) {
      if (row) await this.drop(siteId, settings, row);
      return;
    }
    const now = this.rt.now();
    const gone = !row?.subscriptionId || (row.expiresAt !== null && row.expiresAt.getTime() <= now);
    if (force === 'create' || gone) return this.create(siteId, settings, urls, row);
    const due = !row.expiresAt || row.expiresAt.getTime() - now < RENEW_BELOW_MS || row.state !== 'active';
    if (force === 'renew' || due) await this.renewNow(siteId, settings, urls, row);
  }

  private async create(siteId: string, settings: TeamsSettings, urls: NonNullable<ReturnType<Subscriptions['urls']>>, old: SubscriptionRow | null): Promise<void> {
    const clientState = randomBytes(32).toString('base64url');
    const expires = new Date(this.rt.now() + LIFETIME_MINUTES * 60_000);
    const graph = this.rt.graph(siteId, settings);
    if (!old) await this.rows.save(siteId, { state: 'creating' });
    try {
      const made = await graph.createSubscription({ changeType: 'created,updated', ...urls, resource: '/communications/callRecords', expirationDateTime: expires.toISOString(), clientState });
      const id = typeof made?.id === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(made.id) ? made.id : null;
      if (!id) throw new Error('Graph answered the subscription without an id');
      const expiresAt = typeof made?.expirationDateTime === 'string' && !Number.isNaN(Date.parse(made.expirationDateTime)) ? new Date(made.expirationDateTime) : expires;
      await this.rows.save(siteId, { subscriptionId: id, clientState, state: 'active', expiresAt, lastError: null });
      this.rt.ctx.logger.info({ site: siteId, subscriptionId: id, expiresAt: expiresAt.toISOString() }, 'Teams: subscribed to call-record change notifications');
      if (old?.subscriptionId && old.subscriptionId !== id) await graph.deleteSubscription(old.subscriptionId).catch(() => undefined);
    } catch (err) {
      await this.rows.save(siteId, { state: 'failing', lastError: `subscribing failed: ${message(err)}` });
      this.rt.ctx.logger.warn({ site: siteId, code: (err as { code?: string }).code }, `Teams: could not subscribe to call-record notifications: ${message(err)}`);
    }
  }

  private async renewNow(siteId: string, settings: TeamsSettings, urls: NonNullable<ReturnType<Subscriptions['urls']>>, row: SubscriptionRow): Promise<void> {
    const expires = new Date(this.rt.now() + LIFETIME_MINUTES * 60_000);
    try {
      const renewed = await this.rt.graph(siteId, settings).renewSubscription(row.subscriptionId!, expires.toISOString());
      if (!renewed) {
        this.rt.ctx.logger.info({ site: siteId, subscriptionId: row.subscriptionId }, 'Teams: Graph no longer has the subscription (404 on renewal): subscribing again');
        return this.create(siteId, settings, urls, { ...row, subscriptionId: null });
      }
      const expiresAt = typeof renewed.expirationDateTime === 'string' && !Number.isNaN(Date.parse(renewed.expirationDateTime)) ? new Date(renewed.expirationDateTime) : expires;
      await this.rows.save(siteId, { state: 'active', expiresAt, lastError: null });
      this.rt.ctx.logger.info({ site: siteId, subscriptionId: row.subscriptionId, expiresAt: expiresAt.toISOString() }, 'Teams: renewed the call-record subscription');
    } catch (err) {
      await this.rows.save(siteId, { state: 'failing', lastError: `renewal failed: ${message(err)}` });
      this.rt.ctx.logger.warn({ site: siteId, subscriptionId: row.subscriptionId }, `Teams: could not renew the call-record subscription: ${message(err)}`);
    }
  }

  /** The setting went off (or sign-in, or publicUrl): the subscription deleted in Graph where possible, the row removed. */
  private async drop(siteId: string, settings: TeamsSettings | null, row: SubscriptionRow): Promise<void> {
    if (row.subscriptionId && settings && isConfigured(settings)) {
      await this.rt
        .graph(siteId, settings)
        .deleteSubscription(row.subscriptionId)
        .catch((err: unknown) => this.rt.ctx.logger.warn({ site: siteId, subscriptionId: row.subscriptionId }, `Teams: could not delete the call-record subscription in Graph (it runs out on its own): ${message(err)}`));
    }
    await this.rows.remove(siteId);
    this.rt.ctx.logger.info({ site: siteId, subscriptionId: row.subscriptionId }, 'Teams: call-record change notifications off for the site');
  }
}
