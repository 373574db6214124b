import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { UniqueConstraintViolationException, type MikroORM } from '@mikro-orm/core';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { JobRunEntity } from './entities.js';
import { DialbookError } from '../base/errors.js';

export type Progress = (done: number, total?: number, message?: string) => void;

export interface JobState {
  /** `<owner>.<name>[:<site id>]`, e.g. `ldap.sync:7c9e…`. */
  id: string;
  label: string;
  owner: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  done: number;
  total: number | null;
  message: string | null;
  /** What the job returned (counts of a sync), or the error message. */
  result: unknown;
}

export interface ScheduledJob {
  /** Next firing, or null when stopped. */
  next(): Date | null;
  /** Change the cron pattern (null: stop firing). */
  reschedule(cron: string | null): void;
  stop(): void;
}

const KEEP_FINISHED = 50;

/**
 * The time slot a firing at `firedAt` belongs to: the latest occurrence of the cron pattern at
 * or before it. croner reports when its timer actually ran, which on a busy instance can be a
 * second or more after the occurrence; claiming that wall-clock second instead would let a late
 * instance claim a slot nobody else claims, and the same firing would run twice in a cluster.
 */
export function firingSlot(cron: Cron, firedAt: Date): Date {
  const slot = cron.previousRuns(1, new Date(firedAt.getTime() + 1))[0] ?? new Date(firedAt);
  slot.setMilliseconds(0);
  return slot;
}

/**
 * Jobs: live progress of long runs (`track`), and cron schedules (`schedule`) whose every
 * firing runs on exactly one instance of a cluster: each instance's timer fires, and the
 * one that inserts the `job_run` row for that (job, time slot) does the work.
 */
export class JobService {
  readonly instance = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, JobState>();
  private readonly finished: JobState[] = [];
  private readonly crons = new Set<Cron>();
  private stopped = false;
  /** Waiting for running jobs to end (see {@link idle}). */
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly orm: MikroORM,
    private readonly logger: Logger,
  ) {}

  /**
   * Run `fn` as a visible job. A job with the same id already running is refused (409):
   * two syncs of one source and site never overlap within an instance.
   */
  async track<T>(id: string, label: string, owner: string, fn: (progress: Progress) => Promise<T>): Promise<T> {
    if (this.running.has(id)) throw new DialbookError('DIALBOOK_JOB_RUNNING', `${label} is already running`, { status: 409 });
    const state: JobState = { id, label, owner, status: 'running', startedAt: new Date().toISOString(), finishedAt: null, done: 0, total: null, message: null, result: null };
    this.running.set(id, state);
    const progress: Progress = (done, total, message) => {
      state.done = done;
      if (total !== undefined) state.total = total;
      if (message !== undefined) state.message = message;
    };
    try {
      const result = await fn(progress);
      state.status = 'succeeded';
      state.result = result;
      return result;
    } catch (err) {
      state.status = 'failed';
      state.result = err instanceof Error ? err.message : String(err);
      throw err;
    } finally {
      state.finishedAt = new Date().toISOString();
      this.running.delete(id);
      this.finished.unshift(state);
      this.finished.length = Math.min(this.finished.length, KEEP_FINISHED);
      for (const wake of [...this.waiters]) wake();
    }
  }

  /** Resolves once no job whose id `matches` runs on this instance (at once when none does). */
  async idle(matches: (id: string) => boolean): Promise<void> {
    const busy = () => [...this.running.keys()].some(matches);
    while (busy()) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  list(): { running: JobState[]; finished: JobState[] } {
    return { running: [...this.running.values()], finished: [...this.finished] };
  }

  /**
   * Fire `run` on a cron pattern (croner syntax, 5 or 6 fields, in `timezone` or the
   * server's zone). Each firing runs on one instance only, tracked as a job.
   */
  schedule(options: { id: string; label: string; owner: string; cron: string | null; timezone?: string; run: (progress: Progress) => Promise<unknown> }): ScheduledJob {
    let cron: Cron | undefined;
    const start = (pattern: string | null) => {
      cron?.stop();
      if (cron) this.crons.delete(cron);
      cron = undefined;
      if (!pattern || this.stopped) return;
      try {
        cron = new Cron(pattern, { protect: true, ...(options.timezone ? { timezone: options.timezone } : {}) }, () => this.fire(options, cron!));
      } catch (cause) {
        throw new DialbookError('DIALBOOK_JOB_SCHEDULE', `"${pattern}" is not a cron schedule (${cause instanceof Error ? cause.message : String(cause)})`, { status: 422, field: 'schedule', cause });
      }
      this.crons.add(cron);
    };
    start(options.cron);
    return {
      next: () => cron?.nextRun() ?? null,
      reschedule: (pattern) => start(pattern),
      stop: () => start(null),
    };
  }

  /** Claim one firing for this instance; false when another instance already has it. */
  async claim(job: string, slot: Date): Promise<boolean> {
    const em = this.orm.em.fork();
    try {
      em.create(JobRunEntity, { job, slot: slot.toISOString().slice(0, 19), instance: this.instance, status: 'running', error: null, startedAt: new Date(), finishedAt: null });
      await em.flush();
      return true;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) return false;
      throw err;
    }
  }

  /** Stop every schedule (on shutdown); running jobs finish on their own. */
  stop(): void {
    this.stopped = true;
    for (const c of this.crons) c.stop();
    this.crons.clear();
  }

  private async fire(options: Parameters<JobService['schedule']>[0], cron: Cron): Promise<void> {
    const slot = firingSlot(cron, cron.currentRun() ?? new Date());
    if (!(await this.claim(options.id, slot).catch((err: unknown) => (this.logger.error({ err, job: options.id }, 'could not claim a scheduled run'), false)))) {
      this.logger.debug({ job: options.id, slot }, 'scheduled run taken by another instance');
      return;
    }
    const em = this.orm.em.fork();
    const key = { job: options.id, slot: slot.toISOString().slice(0, 19) };
    try {
      await this.track(options.id, options.label, options.owner, options.run);
      await em.nativeUpdate(JobRunEntity, key, { status: 'succeeded', finishedAt: new Date() });
    } catch (err) {
      this.logger.error({ err, job: options.id }, `scheduled ${options.label} failed`);
      await em.nativeUpdate(JobRunEntity, key, { status: 'failed', finishedAt: new Date(), error: err instanceof Error ? err.message.slice(0, 2000) : String(err) }).catch(() => undefined);
    }
  }
}
