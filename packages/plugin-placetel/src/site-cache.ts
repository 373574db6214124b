/**
 * What the webhook needs of a site on every request — the site, its settings (decrypted), its
 * parties — kept for a few seconds, so a burst of events does not read and decrypt the settings
 * each time. Dropped at once when this instance hears the settings changed; other instances'
 * changes reach it within the TTL.
 */
import type { SiteDto } from '@dialbook/core';
import type { SiteParties } from './parties.js';
import type { PlacetelSettings } from './settings.js';

export interface SiteState {
  site: SiteDto;
  settings: PlacetelSettings;
  parties: SiteParties;
}

export class SiteCache {
  private readonly entries = new Map<string, { at: number; state: Promise<SiteState> }>();

  constructor(
    private readonly load: (siteId: string) => Promise<SiteState>,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(siteId: string): Promise<SiteState> {
    const hit = this.entries.get(siteId);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.state;
    const state = this.load(siteId);
    this.entries.set(siteId, { at: this.now(), state });
    // A failed read is not kept: the next request reads again.
    state.catch(() => this.entries.get(siteId)?.state === state && this.entries.delete(siteId));
    return state;
  }

  clear(): void {
    this.entries.clear();
  }
}
