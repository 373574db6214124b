/** The pure AGI layer against the cases of calls.md §3c (res_agi.c's header block, answers, quoting). */
import { describe, expect, test } from 'vitest';
import { encodeCommand, encodeExec, HANGUP_LINE, LineDecoder, MAX_USAGE_LINES, parseEnv, parseResponse, quoteArg, ResponseReader, type AgiResponse } from './protocol.js';

/** The block as §3c lists it, FastAGI with a script path and two AGI() arguments. */
const BLOCK = [
  'agi_network: yes',
  'agi_network_script: route?x=1',
  'agi_request: agi://127.0.0.1:4573/route?x=1',
  'agi_channel: PJSIP/trunk-00000001',
  'agi_language: en',
  'agi_type: PJSIP',
  'agi_uniqueid: 1700000000.42',
  'agi_version: 20.5.0',
  'agi_callerid: 15551234567',
  'agi_calleridname: unknown',
  'agi_callingpres: 0',
  'agi_callingani2: 0',
  'agi_callington: 0',
  'agi_callingtns: 0',
  'agi_dnid: 18005550100',
  'agi_rdnis: unknown',
  'agi_context: ppc-inbound',
  'agi_extension: 18005550100',
  'agi_priority: 2',
  'agi_enhanced: 0.0',
  'agi_accountcode: ',
  'agi_threadid: 140123456789',
  'agi_arg_1: 18005550100',
  'agi_arg_2: 15551234567 ext 2',
];

describe('header block', () => {
  test('every §3c variable lands in its typed field; "unknown" reads as null; arguments in order', () => {
    const env = parseEnv(BLOCK);
    expect(env).toMatchObject({
      network: true,
      networkScript: 'route?x=1',
      request: 'agi://127.0.0.1:4573/route?x=1',
      channel: 'PJSIP/trunk-00000001',
      language: 'en',
      type: 'PJSIP',
      uniqueId: '1700000000.42',
      version: '20.5.0',
      callerId: '15551234567',
      callerIdName: null,
      callingPres: '0',
      callingAni2: '0',
      callingTon: '0',
      callingTns: '0',
      dnid: '18005550100',
      rdnis: null,
      context: 'ppc-inbound',
      extension: '18005550100',
      priority: '2',
      enhanced: false,
      accountCode: '',
      threadId: '140123456789',
      args: ['18005550100', '15551234567 ext 2'],
    });
    expect(Object.keys(env.vars)).toHaveLength(BLOCK.length);
  });

  test('unknown agi_ variables are kept; EAGI reads as enhanced; no script path is null', () => {
    const env = parseEnv([...BLOCK.filter((l) => !l.startsWith('agi_network_script') && !l.startsWith('agi_enhanced')), 'agi_enhanced: 1.0', 'agi_tenantid: acme']);
    expect(env.vars.tenantid).toBe('acme');
    expect(env.enhanced).toBe(true);
    expect(env.networkScript).toBeNull();
  });

  test('a missing argument in the numbering reads as empty, not as a shifted list', () => {
    expect(parseEnv([...BLOCK.slice(0, 22), 'agi_arg_1: a', 'agi_arg_3: c']).args).toEqual(['a', '', 'c']);
  });

  test('a line that is not agi_<name>: <value> is refused with its number', () => {
    expect(() => parseEnv([...BLOCK.slice(0, 3), 'GET / HTTP/1.1'])).toThrow(expect.objectContaining({ code: 'DIALBOOK_ASTERISK_AGI_PROTOCOL', message: expect.stringContaining('line 4') }));
  });

  test('a block without agi_request / agi_channel / agi_uniqueid is refused, naming them', () => {
    expect(() => parseEnv(['agi_network: yes'])).toThrow(/agi_request, agi_channel, agi_uniqueid/);
  });

  test('too many lines are refused', () => {
    expect(() => parseEnv(Array.from({ length: 300 }, (_, i) => `agi_arg_${i + 1}: x`))).toThrow(/more than 256 lines/);
  });
});

describe('command encoding', () => {
  test('simple arguments go bare, as in §3c', () => {
    expect(encodeCommand('GET VARIABLE', 'DIALSTATUS')).toBe('GET VARIABLE DIALSTATUS');
    expect(encodeCommand('SET VARIABLE', 'PPC_BUYER', 'buyer42')).toBe('SET VARIABLE PPC_BUYER buyer42');
    expect(encodeCommand('ANSWER')).toBe('ANSWER');
  });

  test('spaces, quotes and backslashes are quoted and escaped; the empty string is ""', () => {
    expect(quoteArg('a b')).toBe('"a b"');
    expect(quoteArg('tab\there'.replace('\t', ' '))).toBe('"tab here"');
    expect(quoteArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteArg('C:\\sounds\\x')).toBe('"C:\\\\sounds\\\\x"');
    expect(quoteArg('\\"')).toBe('"\\\\\\""');
    expect(quoteArg('')).toBe('""');
    expect(encodeCommand('SET VARIABLE', 'CDR(userfield)', 'client "7" a\\b')).toBe('SET VARIABLE CDR(userfield) "client \\"7\\" a\\\\b"');
  });

  test('EXEC joins the application data with commas into one quoted argument', () => {
    expect(encodeExec('Dial', 'PJSIP/+15551230000@buyer-trunk', '20', 'g')).toBe('EXEC Dial "PJSIP/+15551230000@buyer-trunk,20,g"');
    expect(encodeExec('Playback', 'ss-noservice')).toBe('EXEC Playback "ss-noservice"');
    expect(encodeExec('Answer')).toBe('EXEC Answer');
  });

  test('a line break, carriage return or NUL in an argument is refused (it would inject a command)', () => {
    for (const bad of ['x\nHANGUP', 'x\r', 'x\u0000']) {
      expect(() => encodeCommand('SET VARIABLE', 'A', bad)).toThrow(expect.objectContaining({ code: 'DIALBOOK_ASTERISK_AGI_ARGUMENT', field: 'argument' }));
    }
    expect(() => encodeExec('Dial', 'PJSIP/a\nHANGUP')).toThrow(/control character/);
    expect(() => encodeCommand('GET VARIABLE\nHANGUP')).toThrow(expect.objectContaining({ field: 'command' }));
    expect(() => encodeExec('Dial;rm')).toThrow(expect.objectContaining({ field: 'app' }));
  });
});

const ok = (r: AgiResponse) => {
  if (r.code !== 200) throw new Error(`expected 200, got ${r.code}`);
  return r;
};

describe('responses', () => {
  test('200 result=<n> with and without (data) and endpos', () => {
    expect(ok(parseResponse('200 result=1 (ANSWER)'))).toMatchObject({ result: 1, data: 'ANSWER', endpos: null, extra: {} });
    expect(ok(parseResponse('200 result=0'))).toMatchObject({ result: 0, data: null, endpos: null });
    expect(ok(parseResponse('200 result=-2'))).toMatchObject({ result: -2 });
    expect(ok(parseResponse('200 result=-1'))).toMatchObject({ result: -1 });
    expect(ok(parseResponse('200 result=0 endpos=10560'))).toMatchObject({ result: 0, data: null, endpos: 10560 });
    expect(ok(parseResponse('200 result=5 (timeout)'))).toMatchObject({ result: 5, data: 'timeout' });
    expect(ok(parseResponse('200 result=0 (timeout) endpos=8000'))).toMatchObject({ data: 'timeout', endpos: 8000 });
  });

  test('data with spaces and parentheses is kept whole; further key=value pairs are kept', () => {
    expect(ok(parseResponse('200 result=1 (Müller (Sales) GmbH)')).data).toBe('Müller (Sales) GmbH');
    expect(ok(parseResponse('200 result=1 ()')).data).toBe('');
    expect(ok(parseResponse('200 result=1 (speech) endpos=0 results=1'))).toMatchObject({ data: 'speech', endpos: 0, extra: { results: '1' } });
  });

  test('510, 511 and the one-line 520', () => {
    expect(parseResponse('510 Invalid or unknown command')).toMatchObject({ code: 510, message: 'Invalid or unknown command' });
    expect(parseResponse('511 Command Not Permitted on a dead channel or intercept routine')).toMatchObject({ code: 511, message: 'Command Not Permitted on a dead channel or intercept routine' });
    expect(parseResponse('520 Invalid command syntax.  Proper usage not available.')).toMatchObject({ code: 520, usage: null, message: 'Invalid command syntax.  Proper usage not available.' });
  });

  test('anything else is refused', () => {
    for (const bad of ['', 'hello', '200 result=', '200 result=x', '200 result=1 (open', '200 result=1 trailing', '404 Not Found', '2000 result=1']) {
      expect(() => parseResponse(bad), bad).toThrow(expect.objectContaining({ code: 'DIALBOOK_ASTERISK_AGI_PROTOCOL' }));
    }
  });
});

describe('response reader', () => {
  test('the multi-line 520- form collects the usage until "520 End of proper usage."', () => {
    const r = new ResponseReader();
    expect(r.push('520-Invalid command syntax.  Proper usage follows:')).toEqual({ type: 'more' });
    expect(r.inUsage).toBe(true);
    expect(r.push(' Usage: GET VARIABLE <variablename>')).toEqual({ type: 'more' });
    expect(r.push('   Returns 0 if variable is not set.')).toEqual({ type: 'more' });
    expect(r.push('520 End of proper usage.')).toEqual({
      type: 'response',
      response: { code: 520, message: 'Invalid command syntax.  Proper usage follows:', usage: ' Usage: GET VARIABLE <variablename>\n   Returns 0 if variable is not set.', line: '520-Invalid command syntax.  Proper usage follows:' },
    });
    expect(r.inUsage).toBe(false);
    expect(r.push('200 result=1')).toMatchObject({ type: 'response', response: { code: 200, result: 1 } });
  });

  test('a huge usage text is capped, not buffered', () => {
    const r = new ResponseReader();
    r.push('520-Invalid command syntax.  Proper usage follows:');
    for (let i = 0; i < MAX_USAGE_LINES + 50; i++) r.push(`line ${i}`);
    const e = r.push('520 End of proper usage.');
    expect(e.type === 'response' && e.response.code === 520 && e.response.usage!.split('\n')).toHaveLength(MAX_USAGE_LINES);
  });

  test('HANGUP is its own event, and the answer it interrupted still follows (then 511 on a dead channel)', () => {
    const r = new ResponseReader();
    expect(r.push(HANGUP_LINE)).toEqual({ type: 'hangup' });
    expect(r.push('200 result=-1')).toMatchObject({ type: 'response', response: { code: 200, result: -1 } });
    expect(r.push('511 Command Not Permitted on a dead channel or intercept routine')).toMatchObject({ type: 'response', response: { code: 511 } });
  });
});

describe('line decoder', () => {
  test('LF and CRLF, lines split across chunks, several lines per chunk', () => {
    const d = new LineDecoder();
    expect(d.push('agi_network: yes\r\nagi_req')).toEqual(['agi_network: yes']);
    expect(d.pending).toBe(7);
    expect(d.push(Buffer.from('uest: agi://x/\n\n200 result=1\n'))).toEqual(['agi_request: agi://x/', '', '200 result=1']);
    expect(d.pending).toBe(0);
  });

  test('a UTF-8 character split across chunks stays whole', () => {
    const d = new LineDecoder();
    const bytes = Buffer.from('agi_calleridname: Jürgen\n');
    const cut = bytes.indexOf(0xc3) + 1;
    expect(d.push(bytes.subarray(0, cut))).toEqual([]);
    expect(d.push(bytes.subarray(cut))).toEqual(['agi_calleridname: Jürgen']);
  });

  test('garbage without line breaks fails at the limit instead of growing', () => {
    const d = new LineDecoder(100);
    expect(d.push('x'.repeat(100))).toEqual([]);
    expect(() => d.push('y')).toThrow(expect.objectContaining({ code: 'DIALBOOK_ASTERISK_AGI_LINE_TOO_LONG' }));
    expect(d.pending).toBe(0);
    expect(() => new LineDecoder(10).push(`${'z'.repeat(11)}\n`)).toThrow(/more than 10 characters/);
  });
});
