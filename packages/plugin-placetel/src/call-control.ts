/**
 * Call Control (calls.md §2.1): the answer to `IncomingCall` when the number's routing is
 * "External API", `Content-Type: application/xml`. The admin's fixed rule is the decision core's
 * `call.route` filter starts from. Pure.
 */
import type { HookFilters } from '@dialbook/core';
import type { CallControlSettings } from './settings.js';

export type RouteDecision = HookFilters['call.route']['decision'];

/** The admin's rule as a decision: null when call control is off or forwards to nobody. */
export function ruleDecision(cc: CallControlSettings): RouteDecision {
  if (!cc.enabled) return null;
  if (cc.action === 'reject') return { action: 'reject' };
  const targets = cc.targets.filter((t) => t.numbers.length).map((t) => ({ numbers: [...t.numbers], ringtime: t.ringtime }));
  return targets.length ? { action: 'forward', targets } : null;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** The XML Placetel routes the call by (a non-null decision). */
export function decisionXml(decision: NonNullable<RouteDecision>): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (decision.action === 'reject') return `${head}<Response><Reject${decision.reason ? ` reason="${escape(decision.reason)}"` : ''}/></Response>\n`;
  const targets = decision.targets
    .map((t) => `<Target ringtime="${Math.max(1, Math.round(t.ringtime))}">${t.numbers.map((n) => `<Number>${escape(n)}</Number>`).join('')}</Target>`)
    .join('');
  return `${head}<Response><Forward>${targets}</Forward></Response>\n`;
}
