/** Which call this is, from the `agi_*` block (issue 16): DID, caller and call id. */
import type { AgiEnv } from './env.js';

export interface CallInput {
  /** `agi_arg_1`, else `agi_dnid`, else `agi_extension`. */
  did: string;
  /** `agi_arg_2`, else `agi_callerid`; null when Asterisk had none. */
  caller: string | null;
  /** `agi_uniqueid`. */
  callId: string;
}

/**
 * Read the call from the env. Arguments win because the dialplan passes what it means
 * (`AGI(agi://…/route,${EXTEN},${CALLERID(num)})`); the channel's own DNID and caller id are the
 * fallback.
 */
export function callInput(env: AgiEnv): CallInput {
  const arg = (i: number) => (env.args[i] ?? '').trim() || null;
  return {
    did: arg(0) ?? env.dnid ?? env.extension,
    caller: arg(1) ?? env.callerId,
    callId: env.uniqueId,
  };
}
