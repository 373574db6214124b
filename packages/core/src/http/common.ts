import { z } from 'zod';
import { ProblemSchema } from './problem.js';

export const IdParam = z.object({ id: z.uuid().meta({ param: { name: 'id', in: 'path' } }) });

export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const problemResponse = (description: string) => ({ content: { 'application/problem+json': { schema: ProblemSchema } }, description });

export const errors = {
  404: problemResponse('Unknown id'),
  409: problemResponse('Conflict with the current state (uniqueness, state)'),
  422: problemResponse('Invalid input; `field` and `errors` name the offending fields'),
} as const;

export const pageOf = <S extends z.ZodType>(item: S, id: string) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }).meta({ id });

export const body = <S extends z.ZodType>(schema: S) => ({ body: { content: { 'application/json': { schema } }, required: true } });
