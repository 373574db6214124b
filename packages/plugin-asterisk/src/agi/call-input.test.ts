import { describe, expect, test } from 'vitest';
import { callInput } from './call-input.js';
import { parseEnv } from './env.js';

const base = ['agi_request: agi://127.0.0.1/route', 'agi_channel: PJSIP/carrier-1', 'agi_uniqueid: 1700000000.7'];

describe('call input', () => {
  test('DID and caller from the AGI arguments; call id from agi_uniqueid', () => {
    expect(callInput(parseEnv([...base, 'agi_dnid: 111', 'agi_extension: 222', 'agi_callerid: 333', 'agi_arg_1: 4930123', 'agi_arg_2: +4930999']))).toEqual({ did: '4930123', caller: '+4930999', callId: '1700000000.7' });
  });

  test('without arguments: agi_dnid, else agi_extension; agi_callerid, else null', () => {
    expect(callInput(parseEnv([...base, 'agi_dnid: 111', 'agi_extension: 222', 'agi_callerid: 333']))).toEqual({ did: '111', caller: '333', callId: '1700000000.7' });
    expect(callInput(parseEnv([...base, 'agi_dnid: unknown', 'agi_extension: 222', 'agi_callerid: unknown']))).toEqual({ did: '222', caller: null, callId: '1700000000.7' });
  });

  test('an empty argument (AGI(…,,${CALLERID(num)})) falls back too', () => {
    expect(callInput(parseEnv([...base, 'agi_extension: 222', 'agi_arg_1: ', 'agi_arg_2: 555'])).did).toBe('222');
  });
});
