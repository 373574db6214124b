import { z } from 'zod';
import { DialbookError } from './errors.js';
import { fieldMessage } from './messages.js';
import { findUnholdable } from './unholdable.js';

// Field errors read as sentences, for core and every plugin (they share this zod): see messages.ts.
z.config({ customError: fieldMessage });

export interface FieldProblem {
  field: string;
  message: string;
}

export const issuePath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/** An issue the way zod reports one, for a problem found outside a schema (a character no field can hold). */
type Issue = Pick<z.core.$ZodIssue, 'path' | 'message'>;

/**
 * A 422 naming every bad field: `field` is the first one's dotted path (`phones.0.number`), `errors`
 * lists them all. `prefix` places the paths (`query` → `query.q`); a problem with no path at all names
 * `prefix`, else no field.
 */
export function validationError(issues: readonly Issue[], prefix = ''): DialbookError {
  const errors: FieldProblem[] = issues.map((i) => ({ field: [prefix, issuePath(i.path)].filter(Boolean).join('.'), message: i.message }));
  const first = errors[0];
  const summary = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
  return new DialbookError('DIALBOOK_VALIDATION', summary || 'invalid input', {
    status: 422,
    ...(first?.field ? { field: first.field } : {}),
    details: { errors },
  });
}

/**
 * Characters no field can hold (NUL and other C0 controls, unpaired surrogates, U+FFFE/U+FFFF) and
 * nesting deeper than any field, anywhere in `input`, as issues with their paths; none: an empty list.
 */
export const unholdableIssues = (input: unknown): Issue[] => findUnholdable(input);

/**
 * Parse with a zod schema; a failure becomes a 422 `DialbookError` naming every bad field. Input with a
 * character no field can hold is refused the same way, whatever the schema says (a free-form
 * `z.record(z.unknown())` included), before any of it can reach the database.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const unholdable = unholdableIssues(input);
  const result = schema.safeParse(input);
  if (unholdable.length) {
    const named = new Set(unholdable.map((i) => issuePath(i.path)));
    throw validationError([...unholdable, ...(result.error?.issues ?? []).filter((i) => !named.has(issuePath(i.path)))]);
  }
  if (!result.success) throw validationError(result.error.issues);
  return result.data;
}
