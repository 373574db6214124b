/**
 * The rows of `teams_subscription` (one per instance and site): what Dialbook knows of its Graph
 * subscription. The clientState is kept as its SHA-256 only; {@link SubscriptionRows.verify}
 * compares a notification's clientState with it in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@dialbook/core';
import { SubscriptionEntity } from './store.js';

export type SubscriptionState = 'creating' | 'active' | 'failing';

/** A subscription row as the plugin reads it (no clientState, not even its hash). */
export interface SubscriptionRow {
  siteId: string;
  subscriptionId: string | null;
  state: SubscriptionState;
  expiresAt: Date | null;
  lastNotificationAt: Date | null;
  lastError: string | null;
}

const digest = (clientState: string): Buffer => createHash('sha256').update(clientState, 'utf8').digest();
const dateOf = (v: unknown): Date | null => (v ? new Date(v as string | Date) : null);

type Raw = { siteId: string; subscriptionId?: string | null; clientStateHash?: string | null; state: string; expiresAt?: Date | string | null; lastNotificationAt?: Date | string | null; lastError?: string | null };
const rowOf = (r: Raw): SubscriptionRow => ({ siteId: r.siteId, subscriptionId: r.subscriptionId ?? null, state: r.state as SubscriptionState, expiresAt: dateOf(r.expiresAt), lastNotificationAt: dateOf(r.lastNotificationAt), lastError: r.lastError ?? null });

export class SubscriptionRows {
  constructor(
    private readonly em: () => EntityManager,
    private readonly instance: string,
  ) {}

  async get(siteId: string): Promise<SubscriptionRow | null> {
    const r = (await this.em().findOne(SubscriptionEntity, { instance: this.instance, siteId })) as Raw | null;
    return r ? rowOf(r) : null;
  }

  async list(): Promise<SubscriptionRow[]> {
    return ((await this.em().find(SubscriptionEntity, { instance: this.instance })) as Raw[]).map(rowOf);
  }

  /** The site a notification's subscription belongs to, when its clientState is the one sent to Graph (constant-time). */
  async verify(subscriptionId: string, clientState: unknown): Promise<string | null> {
    const r = (await this.em().findOne(SubscriptionEntity, { instance: this.instance, subscriptionId })) as Raw | null;
    // The hash of what was given is compared either way, so a known and an unknown id cost the same.
    const given = digest(typeof clientState === 'string' ? clientState : '');
    const stored = r?.clientStateHash && /^[0-9a-f]{64}$/.test(r.clientStateHash) ? Buffer.from(r.clientStateHash, 'hex') : Buffer.alloc(32);
    const same = timingSafeEqual(given, stored);
    return r && r.clientStateHash && typeof clientState === 'string' && same ? r.siteId : null;
  }

  /** Write a site's row (created when missing); `clientState` is stored as its hash. */
  async save(siteId: string, values: { subscriptionId?: string | null; clientState?: string | null; state?: SubscriptionState; expiresAt?: Date | null; lastError?: string | null }): Promise<void> {
    const em = this.em();
    const data: { updatedAt: Date; subscriptionId?: string | null; clientStateHash?: string | null; state?: string; expiresAt?: Date | null; lastError?: string | null } = { updatedAt: new Date() };
    if (values.subscriptionId !== undefined) data.subscriptionId = values.subscriptionId;
    if (values.clientState !== undefined) data.clientStateHash = values.clientState === null ? null : digest(values.clientState).toString('hex');
    if (values.state !== undefined) data.state = values.state;
    if (values.expiresAt !== undefined) data.expiresAt = values.expiresAt;
    if (values.lastError !== undefined) data.lastError = values.lastError;
    const n = await em.nativeUpdate(SubscriptionEntity, { instance: this.instance, siteId }, data);
    if (n === 0) await em.insert(SubscriptionEntity, { instance: this.instance, siteId, subscriptionId: null, clientStateHash: null, state: 'creating', expiresAt: null, lastNotificationAt: null, lastError: null, claimedUntil: null, ...data });
  }

  /**
   * Claim a site's subscription for `ms` (from `now`): true when this instance may create, renew or
   * delete it; false while another instance of the cluster holds the claim.
   */
  async claim(siteId: string, now: number, ms = 120_000): Promise<boolean> {
    const em = this.em();
    const until = new Date(now + ms);
    const n = await em.nativeUpdate(SubscriptionEntity, { instance: this.instance, siteId, $or: [{ claimedUntil: null }, { claimedUntil: { $lt: new Date(now) } }] }, { claimedUntil: until });
    if (n > 0) return true;
    if (await em.findOne(SubscriptionEntity, { instance: this.instance, siteId })) return false;
    try {
      await em.insert(SubscriptionEntity, { instance: this.instance, siteId, subscriptionId: null, clientStateHash: null, state: 'creating', expiresAt: null, lastNotificationAt: null, lastError: null, claimedUntil: until, updatedAt: new Date() });
      return true;
    } catch {
      return false; // another instance inserted it meanwhile
    }
  }

  async release(siteId: string): Promise<void> {
    await this.em().nativeUpdate(SubscriptionEntity, { instance: this.instance, siteId }, { claimedUntil: null });
  }

  async touched(siteId: string, at: Date): Promise<void> {
    await this.em().nativeUpdate(SubscriptionEntity, { instance: this.instance, siteId }, { lastNotificationAt: at });
  }

  async remove(siteId: string): Promise<void> {
    await this.em().nativeDelete(SubscriptionEntity, { instance: this.instance, siteId });
  }
}
