import type { SyncRequest, SyncResult } from '../plugin/sources.js';

/** A call sync over a time window (a back-fill): calls that started in `[start, end)`. */
export interface CallSyncRequest extends SyncRequest {
  /** Inclusive; absent: the source's own cursor (what it has not read yet, with its overlap). */
  start?: Date;
  /** Exclusive; absent: now. */
  end?: Date;
}

/** A recording or voicemail as a source hands it over: the bytes, streamed, never the vendor's URL. */
export interface CallMedia {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  /** Bytes, when known (sent as Content-Length). */
  size?: number;
}

/**
 * A system that carries calls (Teams, Placetel, Asterisk CDR), registered with
 * `ctx.calls.registerSource`. Two to four methods, all optional but the names:
 * - `sync` reads the source's calls for a site over a window and upserts them (`ctx.calls.upsertMany`);
 * - `test` checks the connection for a site (credentials, reachability) in words a person can act on;
 * - `fetchRecording` streams a call's recording or voicemail by the opaque `ref` the source stored
 *   with the call (`recording: { kind, ref }` in the upsert). Core calls it on `GET /calls/{id}/recording`
 *   after checking the user's rights, so a vendor's signed, expiring URL never leaves Dialbook.
 */
export interface CallSource {
  id: string;
  label: string;
  sync?(request: CallSyncRequest): Promise<SyncResult>;
  test?(siteId: string): Promise<{ ok: boolean; message: string }>;
  fetchRecording?(siteId: string, ref: string, signal?: AbortSignal): Promise<CallMedia>;
}
