import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { createRouter } from '../http/openapi.js';
import { json } from '../http/common.js';
import type { JobService } from './service.js';

const JobSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    owner: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    done: z.number(),
    total: z.number().nullable(),
    message: z.string().nullable(),
    result: z.unknown(),
  })
  .meta({ id: 'Job' });

export function jobRoutes(jobs: JobService) {
  const app = createRouter();
  app.openapi(
    createRoute({ method: 'get', path: '/jobs', tags: ['Jobs'], summary: 'Running jobs with their progress, and the last finished ones (this instance)', responses: { 200: json(z.object({ running: z.array(JobSchema), finished: z.array(JobSchema) }), 'Jobs') } }),
    (c) => c.json(jobs.list(), 200),
  );
  return app;
}
