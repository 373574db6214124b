import { describe, expect, test } from 'vitest';
import { decisionXml, ruleDecision } from './call-control.js';

describe('call control XML', () => {
  test('forward: one <Target ringtime> per group, its numbers rung together', () => {
    const d = ruleDecision({ enabled: true, action: 'forward', targets: [{ numbers: ['7777abcdefg@fpbx.de', '022129191999'], ringtime: 30 }, { numbers: ['022199998560'], ringtime: 45 }] });
    expect(decisionXml(d!)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Forward><Target ringtime="30"><Number>7777abcdefg@fpbx.de</Number><Number>022129191999</Number></Target><Target ringtime="45"><Number>022199998560</Number></Target></Forward></Response>\n',
    );
  });
  test('reject', () => {
    expect(decisionXml(ruleDecision({ enabled: true, action: 'reject', targets: [] })!)).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Reject/></Response>\n');
    expect(decisionXml({ action: 'reject', reason: 'busy' })).toContain('<Reject reason="busy"/>');
  });
  test('off, or forwarding to nobody: no decision (Placetel routes as configured)', () => {
    expect(ruleDecision({ enabled: false, action: 'reject', targets: [] })).toBeNull();
    expect(ruleDecision({ enabled: true, action: 'forward', targets: [] })).toBeNull();
  });
  test('numbers are escaped', () => {
    expect(decisionXml({ action: 'forward', targets: [{ numbers: ['<a&b>'], ringtime: 10 }] })).toContain('<Number>&lt;a&amp;b&gt;</Number>');
  });
});
