/**
 * A recording or voicemail, streamed through Dialbook: `ref` is the signed URL Placetel sent
 * (`file_url`), kept by core and handed back here when a user with the right plays the call. The
 * URL never goes out — not in an answer, an error message or the log.
 */
import type { CallMedia } from '@dialbook/core';
import { PlacetelError } from './errors.js';

export async function fetchRecording(ref: string, options: { plugin: string; timeoutSeconds: number; allowHttp?: boolean; signal?: AbortSignal }): Promise<CallMedia> {
  let url: URL;
  try {
    url = new URL(ref);
  } catch (cause) {
    throw new PlacetelError('DIALBOOK_PLACETEL_RECORDING', 'the stored recording reference is not a URL', { cause, plugin: options.plugin });
  }
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) {
    throw new PlacetelError('DIALBOOK_PLACETEL_RECORDING', 'the stored recording reference is not an https URL', { plugin: options.plugin });
  }
  const timeout = AbortSignal.timeout(options.timeoutSeconds * 1000);
  let res: Response;
  try {
    res = await fetch(url, { signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout, redirect: 'follow' });
  } catch (cause) {
    throw new PlacetelError('DIALBOOK_PLACETEL_UNREACHABLE', `Placetel's file server could not be reached (${cause instanceof Error ? cause.name : 'error'})`, { cause, plugin: options.plugin });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    const expired = res.status === 403 || res.status === 404 || res.status === 410;
    throw new PlacetelError('DIALBOOK_PLACETEL_RECORDING', expired ? `Placetel no longer serves this file (HTTP ${res.status}): its link expired; a back-fill of the call's day fetches a fresh one` : `Placetel's file server answered HTTP ${res.status}`, { plugin: options.plugin, details: { httpStatus: res.status } });
  }
  const size = Number(res.headers.get('content-length') ?? NaN);
  return { body: res.body, contentType: res.headers.get('content-type') ?? 'application/octet-stream', ...(Number.isFinite(size) && size >= 0 ? { size } : {}) };
}
