import { CoreTokens, defineModule, provide, token } from '../module.js';
import { JobRunEntity } from './entities.js';
import { migrations } from './migrations.js';
import { jobRoutes } from './routes.js';
import { JobService, type Progress, type ScheduledJob } from './service.js';

export const JobsToken = token<JobService>('jobs');

/**
 * Jobs as a plugin sees them: `schedule` fires on a cron pattern, each firing on one instance of a
 * cluster only; `track` runs work with live progress shown at `GET /api/v1/jobs`. Ids are prefixed `<instance id>.`.
 */
export interface JobsApi {
  schedule(options: { id: string; label: string; cron: string | null; timezone?: string; run: (progress: Progress) => Promise<unknown> }): ScheduledJob;
  track<T>(id: string, label: string, fn: (progress: Progress) => Promise<T>): Promise<T>;
}

declare module '../plugin/context.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- merged into PluginContext<O, S>, whose type parameters it must repeat
  interface PluginContext<O, S> {
    readonly jobs: JobsApi;
  }
}

const prefixed = (owner: string, id: string) => (id.startsWith(`${owner}.`) ? id : `${owner}.${id}`);

/** Jobs: tracked runs with progress, and cron schedules that fire once per cluster. */
export const jobsModule = defineModule({
  name: 'jobs',
  entities: [JobRunEntity],
  migrations,
  register: (c) => provide(c, JobsToken, (r) => new JobService(r.resolve(CoreTokens.Orm), r.resolve(CoreTokens.Logger).child({ area: 'jobs' }))),
  policies: [['GET', '/jobs', 'staff']],
  routes: (c) => jobRoutes(c.resolve(JobsToken)),
  facade: (c, plugin): { jobs: JobsApi } => {
    const jobs = c.resolve(JobsToken);
    return {
      jobs: {
        schedule: (options) => jobs.schedule({ ...options, id: prefixed(plugin.id, options.id), owner: plugin.id }),
        track: (id, label, fn) => jobs.track(prefixed(plugin.id, id), label, plugin.id, fn),
      },
    };
  },
  stop: (c) => c.resolve(JobsToken).stop(),
});
