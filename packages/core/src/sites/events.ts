import type { SiteDto } from './types.js';

declare module '../hooks/types.js' {
  interface HookEvents {
    /** A site was created (the mail area tells the site's people). */
    'site.created': { site: SiteDto };
  }
  interface HookFilters {
    /**
     * Before a site is deleted: each area that keeps rows of the site adds what it still holds
     * (`"3 contact(s)"`); a site that holds anything is not deleted (409).
     */
    'site.beforeDelete': { site: SiteDto; holds: string[] };
  }
}
