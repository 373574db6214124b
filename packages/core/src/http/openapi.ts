import { OpenAPIHono, type Hook } from '@hono/zod-openapi';
import { validationError } from '../domain/validate.js';
import type { AppEnv } from './env.js';

/**
 * Request validation failures become 422 problem+json naming each field;
 * `in` tells whether the field was in the body, the query or the path.
 */
const defaultHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    const target = (result as { target?: string }).target;
    throw validationError(result.error.issues, target && target !== 'json' ? target : '');
  }
};

export const createRouter = (): OpenAPIHono<AppEnv> => new OpenAPIHono<AppEnv>({ defaultHook });
