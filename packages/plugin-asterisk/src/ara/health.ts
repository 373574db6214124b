/** The plugin's status line for PJSIP realtime: off (and why), or where it writes and how it went. */
import type { HealthCheck } from '@dialbook/core';
import type { AraSync } from './sync.js';

/** What ARA shows when it is off: on SQLite it needs PostgreSQL; on PostgreSQL it needs the option. */
export function araOffMessage(dialect: 'sqlite' | 'postgresql'): string {
  return dialect === 'sqlite'
    ? 'ARA needs PostgreSQL: Dialbook runs on SQLite and ara.databaseUrl is not set, so no PJSIP realtime tables are written (FastAGI and CDR work as usual)'
    : "ARA off: set ara.databaseUrl (a PostgreSQL URL; Dialbook's own database will do) to write PJSIP realtime tables";
}

/** `host:port/database` of a PostgreSQL URL, without user or password. */
export const where = (url: string): string => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
};

export function araHealth(sync: AraSync | null, databaseUrl: string | undefined, dialect: 'sqlite' | 'postgresql'): HealthCheck {
  return {
    id: 'ara',
    label: 'PJSIP realtime (ARA)',
    async check() {
      if (!sync || !databaseUrl) return { ok: true, message: araOffMessage(dialect) };
      const s = sync.health();
      return { ok: s.ok, message: `${where(databaseUrl)}: ${s.message}` };
    },
  };
}
