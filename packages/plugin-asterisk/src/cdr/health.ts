/** The plugin's status line for CDR ingestion. */
import type { HealthCheck } from '@dialbook/core';
import { where } from '../ara/health.js';
import type { CdrPoller } from './poller.js';

export function cdrHealth(poller: CdrPoller | null, databaseUrl: string | undefined, table: string): HealthCheck {
  return {
    id: 'cdr',
    label: 'CDR ingestion',
    async check() {
      if (!poller || !databaseUrl) return { ok: true, message: 'CDR ingestion off: set cdr.databaseUrl (the PostgreSQL database cdr_pgsql writes to)' };
      const s = poller.stats;
      const at = s.position ? ` up to ${s.position.at} (${s.position.uniqueid})` : '';
      return {
        ok: !s.lastError,
        message: `${where(databaseUrl)} table ${table}: ${s.rowsRead} CDR rows read in ${s.polls} polls since start, ${s.recorded} new calls, ${s.refused} refused${at}${s.lastError ? `; last poll failed: ${s.lastError}` : ''}`,
      };
    },
  };
}
