import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { assertSiteAccess } from '../base/access.js';
import { DialbookError, notFound } from '../base/errors.js';
import type { Registry } from '../base/registry.js';
import type { CallMedia, CallSource } from './contracts.js';
import { CallRecordEntity, type CallRecord } from './entities.js';
import { siteOf } from './rows.js';

/** What `GET /calls/{id}/recording` streams: the source's media, with the upstream aborted when the client goes. */
export interface OpenedRecording extends CallMedia {
  kind: 'recording' | 'voicemail';
}

/**
 * Recordings and voicemail of calls, played through Dialbook: a source stores an opaque reference
 * with the call (`recording: { kind, ref }` in the upsert; Placetel's signed, expiring `file_url`,
 * say), and {@link open} hands it back to the source's `fetchRecording` once the caller's rights on
 * the call's site are checked. The reference never leaves core: not in a DTO, a problem, an audit
 * row or a log line (a source's error message is scrubbed of it too).
 */
export class CallRecordings {
  constructor(
    private readonly orm: MikroORM,
    private readonly sources: Registry<CallSource>,
    private readonly logger: Logger,
  ) {}

  /**
   * The media of call `id` (404 `DIALBOOK_CALL_NO_RECORDING` when it has none; 409
   * `DIALBOOK_CALL_RECORDING_SOURCE_GONE` when its source is not installed or cannot fetch media;
   * 502 `DIALBOOK_CALL_RECORDING_FETCH_FAILED` when the source failed). `signal` aborts the fetch,
   * and the stream returned aborts it when cancelled.
   */
  async open(id: string, signal?: AbortSignal): Promise<OpenedRecording> {
    const row = await this.orm.em.fork().findOne(CallRecordEntity, { id }, { fields: ['id', 'site', 'source', 'recordingKind', 'recordingRef'] });
    if (!row) throw notFound('call', id);
    const siteId = siteOf(row as CallRecord);
    assertSiteAccess(siteId, 'call', id);
    const ref = row.recordingRef;
    if (!row.recordingKind || !ref) throw new DialbookError('DIALBOOK_CALL_NO_RECORDING', `call ${id} has no recording or voicemail`, { status: 404, details: { id } });
    const source = this.sources.get(row.source);
    if (!source?.fetchRecording) {
      throw new DialbookError('DIALBOOK_CALL_RECORDING_SOURCE_GONE', `the recording of call ${id} is held by ${row.source}, which ${source ? 'cannot play recordings' : 'is not installed any more'}`, { status: 409, details: { id, source: row.source } });
    }
    const upstream = new AbortController();
    const onAbort = () => upstream.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let media: CallMedia;
    try {
      media = await source.fetchRecording(siteId, ref, upstream.signal);
    } catch (err) {
      signal?.removeEventListener('abort', onAbort);
      const message = scrub(err instanceof Error ? err.message : String(err), ref);
      this.logger.warn({ callId: id, source: row.source, error: message }, 'fetching a call recording from its source failed');
      throw new DialbookError('DIALBOOK_CALL_RECORDING_FETCH_FAILED', `${row.source} could not deliver the recording of call ${id}: ${message}`, { status: 502, details: { id, source: row.source } });
    }
    return { kind: row.recordingKind, contentType: media.contentType || 'application/octet-stream', ...(media.size != null ? { size: media.size } : {}), body: guarded(media.body, upstream, () => signal?.removeEventListener('abort', onAbort)) };
  }
}

/** A source's words with the reference (and any URL, which might be a signed one) taken out. */
export function scrub(message: string, ref: string): string {
  return message.split(ref).join('[ref]').replace(/\bhttps?:\/\/\S+/g, '[url]').slice(0, 500);
}

/** The source's stream, passed through; cancelled (the client went away) it cancels the source's and aborts the fetch. */
function guarded(body: ReadableStream<Uint8Array>, upstream: AbortController, done: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: end } = await reader.read();
        if (end) {
          done();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        done();
        controller.error(err);
      }
    },
    async cancel(reason) {
      done();
      upstream.abort(reason);
      await reader.cancel(reason).catch(() => {});
    },
  });
}
