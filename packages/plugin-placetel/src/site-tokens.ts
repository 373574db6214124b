/** The token in each site's webhook URL: made on first use, random (256 bits), looked up by value. */
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@dialbook/core';
import { SiteTokenEntity } from './store.js';

export class SiteTokens {
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
    const found = await this.em().findOne(SiteTokenEntity, { instance: this.instance, token });
    return found?.siteId ?? null;
  }

  /** A new token for the site: the old URL stops working at once. */
  async rotate(siteId: string): Promise<string> {
    await this.em().nativeDelete(SiteTokenEntity, { instance: this.instance, siteId });
    return this.tokenFor(siteId);
  }
}
