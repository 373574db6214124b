import type { SyncRequest, SyncResult } from '../plugin/sources.js';

/** A raw call as a call source reports it (Teams, Placetel, Asterisk CDR). Filled by the calls issue. */
export interface CallSource {
  id: string;
  label: string;
  sync?(request: SyncRequest): Promise<SyncResult>;
}
