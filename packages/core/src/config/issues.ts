import type { z } from 'zod';

/** Walk `path` in `input` to show what was actually found there. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

export function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? `at least ${String(issue.minimum)} character(s)` : issue.origin === 'array' ? `at least ${String(issue.minimum)} item(s)` : `a value >= ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `at most ${String(issue.maximum)} character(s)` : issue.origin === 'array' ? `at most ${String(issue.maximum)} item(s)` : `a value <= ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'regex' ? (issue.message && !issue.message.startsWith('must') ? issue.message : `text matching ${String((issue as { pattern?: unknown }).pattern)}`) : `a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `only known keys (unknown: ${issue.keys.join(', ')})`;
    default:
      return issue.message;
  }
}

/** `key "a.b": expected string, found number 3` */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown, label = 'key'): string {
  const path = issue.path.map(String).join('.');
  const found = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => `"${k}"`).join(', ') : describeFound(valueAt(input, issue.path));
  return `${label} "${path || '(root)'}": expected ${describeExpected(issue)}, found ${found}`;
}
