import { defineEntity, p } from '@mikro-orm/core';

/**
 * One row per scheduled firing of a job: the primary key (job, slot) lets exactly one
 * instance of a cluster claim each firing, on SQLite and PostgreSQL alike.
 */
export const JobRunEntity = defineEntity({
  name: 'JobRun',
  tableName: 'job_run',
  indexes: [{ properties: ['startedAt'] }],
  properties: {
    job: p.string().length(200).primary(),
    /** The scheduled time of the firing, ISO 8601 to the second. */
    slot: p.string().length(40).primary(),
    instance: p.string().length(100),
    status: p.string().length(16),
    error: p.text().nullable(),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
  },
});
