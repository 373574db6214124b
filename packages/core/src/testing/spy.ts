import { inspect } from 'node:util';
// Types from the public API only: the spy is what a plugin author could write.
import type { EventListener, EventName, HookEvents, HookOptions } from '../index.js';
import { eventually, type EventuallyOptions } from './eventually.js';

/** Anything with a hook bus: a `Dialbook`, a plugin's `ctx`, or a `TestCore` (its `dialbook`). */
export type HookSource = { hooks: HookSubscriber } | { dialbook: { hooks: HookSubscriber } };
interface HookSubscriber {
  on<K extends EventName>(name: K, listener: EventListener<K>, options?: HookOptions): () => void;
}

/** One recorded event. */
export type SpiedEvent<K extends EventName> = { [N in K]: { name: N; payload: HookEvents[N] } }[K];

export interface EventSpy<K extends EventName> {
  /** Every event recorded since the start (or the last `clear`), in the order they were emitted. */
  readonly all: readonly SpiedEvent<K>[];
  /** The payloads of one event, oldest first. */
  of<N extends K>(name: N): HookEvents[N][];
  /** Forget what was recorded (it keeps listening). */
  clear(): void;
  /**
   * The first recorded payload of `name` (since the last `clear`) that `predicate` accepts,
   * waiting for it with {@link eventually} when it is not there yet.
   */
  waitFor<N extends K>(name: N, predicate?: (payload: HookEvents[N]) => unknown, options?: EventuallyOptions): Promise<HookEvents[N]>;
  /** Stop listening; what was recorded stays readable. */
  stop(): void;
}

/**
 * Record the payloads of hook events, for assertions.
 *
 * ```ts
 * import { createTestCore, spyEvents } from '@dialbook/core/testing';
 * const core = await createTestCore({ plugins: { staff: csvPlugin } });
 * const events = spyEvents(core, ['contact.created', 'sync.finished']);
 * await core.request('/api/v1/actions/staff.sync', { method: 'POST' });
 * const finished = await events.waitFor('sync.finished', (e) => e.instanceId === 'staff');
 * expect(events.of('contact.created')).toHaveLength(3);
 * events.stop();
 * ```
 */
export function spyEvents<const K extends EventName>(source: HookSource, names: readonly K[]): EventSpy<K> {
  const hooks = 'hooks' in source ? source.hooks : source.dialbook.hooks;
  const all: SpiedEvent<K>[] = [];
  const offs = names.map((name) => hooks.on(name, (payload) => void all.push({ name, payload } as SpiedEvent<K>), { owner: 'spyEvents' }));
  const of = <N extends K>(name: N) => all.filter((e) => e.name === name).map((e) => e.payload as HookEvents[N]);
  return {
    get all() {
      return all;
    },
    of,
    clear: () => void all.splice(0),
    waitFor: async (name, predicate = () => true, options) => {
      const recorded = () => {
        const seen = of(name);
        return seen.length ? `${seen.length} ${name} event(s) recorded, the last: ${inspect(seen.at(-1), { depth: 4, breakLength: Infinity })}` : `no ${name} event recorded`;
      };
      const what = `the event ${name}${predicate.length ? ' that the predicate accepts' : ''}`;
      const found = await eventually(what, () => of(name).find((p) => predicate(p)) ?? false, {
        ...options,
        details: () => [recorded(), options?.details?.()].filter(Boolean).join('\n'),
      });
      return found as HookEvents[typeof name];
    },
    stop: () => {
      for (const off of offs.splice(0)) off();
    },
  };
}
