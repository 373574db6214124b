/** ISO 3166-1 alpha-2 codes core accepts for a site's country, put in at build time (vite.config.ts). */
declare const __COUNTRY_CODES__: string[];
