import type { z } from 'zod';
import { DialbookError } from '../errors.js';

export interface FieldProblem {
  field: string;
  message: string;
}

export const issuePath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

export function validationError(issues: readonly z.core.$ZodIssue[], prefix = ''): DialbookError {
  const errors: FieldProblem[] = issues.map((i) => ({ field: [prefix, issuePath(i.path)].filter(Boolean).join('.'), message: i.message }));
  const first = errors[0];
  const summary = errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
  return new DialbookError('DIALBOOK_VALIDATION', summary || 'invalid input', {
    status: 422,
    ...(first?.field ? { field: first.field } : {}),
    details: { errors },
  });
}

/** Parse with a zod schema; a failure becomes a 422 `DialbookError` naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error.issues);
  return result.data;
}
