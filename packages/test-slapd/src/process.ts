/** The slapd processes this test process started: killed and cleaned up at exit, and whether one is stopped. */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

export interface State {
  child?: ChildProcess;
  /** kill() or stop() sent a signal; the exit may not have been seen yet. */
  ending?: boolean;
  dir: string;
  destroyed: boolean;
}
export const live = new Set<State>();
let exitHookInstalled = false;
export function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const s of live) {
      try {
        s.child?.kill('SIGKILL');
      } catch {
        /* gone */
      }
      if (!process.env.DIALBOOK_SLAPD_KEEP) rmSync(s.dir, { recursive: true, force: true });
    }
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether every thread of `pid` is stopped (state T in /proc/<pid>/task/<tid>/stat); true without /proc or once it is gone. */
export async function allThreadsStopped(pid: number): Promise<boolean> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return true;
  }
  for (const tid of tids) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2);
    if (fields[0] !== 'T' && fields[0] !== 't') return false;
  }
  return tids.length > 0;
}
