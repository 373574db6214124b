/** The CDR poller on a timer: a poll every `intervalMs` (never two at once), stopped cleanly. */
import type { Logger } from '@dialbook/core';
import type { CdrPoller } from './poller.js';

export interface CdrLoop {
  start(): void;
  /** Run a poll now (after the one running, if any). */
  pollNow(): Promise<number>;
  stop(): Promise<void>;
}

export function cdrLoop(poller: CdrPoller, intervalMs: number, logger: Logger): CdrLoop {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> = Promise.resolve(0);
  let stopped = false;
  const run = () => {
    running = running.catch(() => 0).then(() => poller.poll());
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      run()
        .catch((err: unknown) => logger.error({ err }, 'CDR poll failed (retried on the next poll)'))
        .finally(schedule);
    }, intervalMs);
  };
  return {
    start() {
      stopped = false;
      // The first poll right away: what was written while Dialbook was down.
      run()
        .catch((err: unknown) => logger.error({ err }, 'CDR poll failed (retried on the next poll)'))
        .finally(schedule);
    },
    pollNow: run,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running.catch(() => 0);
    },
  };
}
