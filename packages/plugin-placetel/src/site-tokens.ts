/** The token in each site's webhook URL: made on first use, random (256 bits), looked up by value. */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@dialbook/core';
import { SiteTokenEntity } from './store.js';

/** How long a token's site is remembered (another instance's rotation reaches this one within it). */
const TOKEN_TTL_MS = 5_000;

export class SiteTokens {
  private readonly known = new Map<string, { siteId: string; at: number }>();

  constructor(
    private readonly em: () => EntityManager,
    private readonly instance: string,
  ) {}

  /** The site's token, made now if it has none. */
  async tokenFor(siteId: string): Promise<string> {
    const found = await this.em().findOne(SiteTokenEntity, { instance: this.instance, siteId });
    if (found) return found.token;
    const token = randomBytes(32).toString('base64url');
    try {
      await this.em().insert(SiteTokenEntity, { instance: this.instance, siteId, token, createdAt: new Date() });
      return token;
    } catch (err) {
      // Another request made it at the same moment: theirs stands.
      const again = await this.em().findOne(SiteTokenEntity, { instance: this.instance, siteId });
      if (again) return again.token;
      throw err;
    }
  }

  /** The site a token names, or null. */
  async siteOf(token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
    const hit = this.known.get(token);
    if (hit && Date.now() - hit.at < TOKEN_TTL_MS) return hit.siteId;
    const found = await this.em().findOne(SiteTokenEntity, { instance: this.instance, token });
    if (!found) return null;
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(token, { siteId: found.siteId, at: Date.now() });
    return found.siteId;
  }

  /** A new token for the site: the old URL stops working at once. */
  async rotate(siteId: string): Promise<string> {
    await this.em().nativeDelete(SiteTokenEntity, { instance: this.instance, siteId });
    for (const [token, v] of this.known) if (v.siteId === siteId) this.known.delete(token);
    return this.tokenFor(siteId);
  }
}
