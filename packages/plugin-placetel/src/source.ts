/**
 * The call source `placetel` (the instance id): the back-fill as `sync`, `GET /me` as `test`,
 * and recordings streamed by their stored reference.
 */
import type { CallSource } from '@dialbook/core';
import { backfill, type BackfillReport } from './backfill.js';
import { isPlacetelError } from './errors.js';
import { fetchRecording } from './recording.js';
import type { PlacetelRuntime } from './runtime.js';

export interface TestReport {
  ok: boolean;
  message: string;
  account?: { name: string | null; company: string | null };
  code?: string;
}

/** `GET /me` with the site's key: who the key belongs to, or why it failed. */
export async function testConnection(rt: PlacetelRuntime, siteId: string): Promise<TestReport> {
  try {
    const settings = await rt.settingsFor(siteId);
    const me = await rt.client(siteId, settings).me();
    const account = { name: typeof me.name === 'string' ? me.name : null, company: typeof me.company === 'string' ? me.company : null };
    return { ok: true, message: `connected to Placetel as ${account.name ?? 'an unnamed user'}${account.company ? ` (${account.company})` : ''}`, account };
  } catch (err) {
    if (isPlacetelError(err)) return { ok: false, message: err.message, code: err.code };
    throw err;
  }
}

export function callSource(rt: PlacetelRuntime): CallSource {
  return {
    id: rt.source,
    label: 'Placetel',
    sync: (req): Promise<BackfillReport> => backfill(rt, req),
    test: async (siteId) => {
      const r = await testConnection(rt, siteId);
      return { ok: r.ok, message: r.message };
    },
    fetchRecording: (_siteId, ref, signal) => fetchRecording(ref, { plugin: rt.ctx.id, timeoutSeconds: rt.options.timeoutSeconds, allowHttp: rt.options.allowHttpFiles, ...(signal ? { signal } : {}) }),
  };
}
