/** The call source `teams` (the instance id): the window sync as `sync`, sign-in plus one page as `test`. */
import type { CallSource } from '@dialbook/core';
import { isTeamsError } from './errors.js';
import type { TeamsRuntime } from './runtime.js';
import { syncWindow } from './sync.js';

export interface TestReport {
  ok: boolean;
  message: string;
  code?: string;
  field?: string;
  /** Records on the first page of the last day. */
  records?: number;
}

/** Acquire a token, then read one page of the last day's callRecords. */
export async function testConnection(rt: TeamsRuntime, siteId: string): Promise<TestReport> {
  try {
    const settings = await rt.configured(siteId);
    await rt.tokens(siteId, settings).token();
    const end = new Date(rt.now());
    const page = await rt.graph(siteId, settings).firstPage(new Date(end.getTime() - 86_400_000), end);
    return { ok: true, message: `signed in to tenant ${settings.tenantId} and read call records: ${page.length} on the first page of the last 24 hours`, records: page.length };
  } catch (err) {
    if (isTeamsError(err)) return { ok: false, message: err.message, code: err.code, ...(err.field ? { field: err.field } : {}) };
    throw err;
  }
}

export function callSource(rt: TeamsRuntime): CallSource {
  return {
    id: rt.source,
    label: 'Microsoft Teams',
    sync: async (req) => {
      const end = req.end ?? new Date(rt.now());
      const start = req.start ?? new Date(end.getTime() - 86_400_000);
      return syncWindow(rt, { siteId: req.siteId, start, end, ...(req.signal ? { signal: req.signal } : {}), ...(req.progress ? { progress: req.progress } : {}) });
    },
    test: async (siteId) => {
      const r = await testConnection(rt, siteId);
      return { ok: r.ok, message: r.message };
    },
  };
}
