import type { CallDto } from './types.js';

declare module '../hooks/types.js' {
  interface HookEvents {
    /** A call heard of for the first time (its first event, a back-filled row, a manual entry). */
    'call.recorded': { call: CallDto };
    /** A known call's state moved on (answered, ended, …) or a manual call was edited; `changes` names the fields. */
    'call.updated': { call: CallDto; changes: string[] };
  }
}
