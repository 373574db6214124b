import type { Logger } from 'pino';
import { DialbookError, isDialbookError } from '../base/errors.js';
import type { EventName, FilterContext, FilterName, HookEvents, HookFilters } from './types.js';

export type EventListener<K extends EventName> = (payload: HookEvents[K]) => void | Promise<void>;
/** Return the (possibly changed) value, or nothing to keep it as it is. Throw to reject. */
export type FilterHandler<K extends FilterName> = (
  value: HookFilters[K],
  context: FilterContext,
) => HookFilters[K] | void | Promise<HookFilters[K] | void>;

export interface HookOptions {
  /** Lower runs first; equal orders run in registration order. Default 0. */
  order?: number;
  /** Who registered it (plugin instance id), for logs and error messages. */
  owner?: string;
}

interface Entry<F> {
  fn: F;
  order: number;
  owner: string;
  seq: number;
}

/**
 * The typed hook bus. `on` subscribes to events, `filter` to filters; both
 * return a function that unsubscribes.
 *
 * ```ts
 * const off = hooks.on('contact.created', ({ contact }) => cache.drop(contact.siteId));
 * hooks.filter('contact.beforeSave', (v) => ({ ...v, input: { ...v.input, title: v.input.title?.trim() } }));
 * ```
 */
export class HookBus {
  private readonly events = new Map<string, Entry<EventListener<never>>[]>();
  private readonly filters = new Map<string, Entry<FilterHandler<never>>[]>();
  /** Names kept off the bus, with why (see {@link reserve}). */
  private readonly reserved = new Map<string, string>();
  private seq = 0;

  constructor(private readonly logger?: Logger) {}

  on<K extends EventName>(name: K, listener: EventListener<K>, options: HookOptions = {}): () => void {
    this.refuseReserved(name);
    return this.add(this.events, name, listener as unknown as EventListener<never>, options);
  }

  /** Subscribe for one delivery only. */
  once<K extends EventName>(name: K, listener: EventListener<K>, options: HookOptions = {}): () => void {
    const off = this.on(name, async (payload) => {
      off();
      await listener(payload);
    }, options);
    return off;
  }

  filter<K extends FilterName>(name: K, handler: FilterHandler<K>, options: HookOptions = {}): () => void {
    this.refuseReserved(name);
    return this.add(this.filters, name, handler as unknown as FilterHandler<never>, options);
  }

  /**
   * Deliver an event to every listener, in order, one after the other. A
   * listener that throws is logged with its owner; the rest still run and the
   * returned promise still resolves. Returns the number of listeners that failed.
   */
  async emit<K extends EventName>(name: K, payload: HookEvents[K]): Promise<number> {
    this.refuseReserved(name);
    const list = this.events.get(name);
    if (!list?.length) return 0;
    let failed = 0;
    for (const entry of [...list]) {
      try {
        await (entry.fn as unknown as EventListener<K>)(payload);
      } catch (err) {
        failed++;
        this.logger?.error({ err, hook: name, owner: entry.owner }, `listener of "${name}" registered by ${entry.owner} failed; the change stands and other listeners ran`);
      }
    }
    return failed;
  }

  /**
   * Run a value through every filter in order. The first filter that throws
   * stops the chain and the error reaches the caller (a plain `Error` is wrapped
   * as `DIALBOOK_HOOK_REJECTED`, status 422, naming the filter's owner).
   */
  async apply<K extends FilterName>(name: K, value: HookFilters[K], context: FilterContext): Promise<HookFilters[K]> {
    const list = this.filters.get(name);
    if (!list?.length) return value;
    let current = value;
    for (const entry of [...list]) {
      try {
        const next = await (entry.fn as unknown as FilterHandler<K>)(current, context);
        if (next !== undefined) current = next;
      } catch (err) {
        if (isDialbookError(err)) throw err;
        throw new DialbookError('DIALBOOK_HOOK_REJECTED', `${entry.owner} rejected ${name}: ${err instanceof Error ? err.message : String(err)}`, {
          status: 422,
          plugin: entry.owner,
          cause: err,
        });
      }
    }
    return current;
  }

  /** Number of listeners/filters registered under a name (for health pages and tests). */
  count(name: EventName | FilterName): number {
    return (this.events.get(name)?.length ?? 0) + (this.filters.get(name)?.length ?? 0);
  }

  /**
   * Keep a name off the bus for good: `on`, `once`, `filter` and `emit` throw
   * `DIALBOOK_HOOK_RESERVED` for it. Core's private channels between instances
   * (`channels.ts`) reserve theirs, so that no plugin can send or hear them as hook events.
   */
  reserve(name: string, why: string): void {
    if (this.events.get(name)?.length || this.filters.get(name)?.length) throw new DialbookError('DIALBOOK_HOOK_RESERVED', `"${name}" already has listeners on the hook bus and cannot be reserved (${why})`);
    this.reserved.set(name, why);
  }

  private refuseReserved(name: string): void {
    const why = this.reserved.get(name);
    if (why !== undefined) throw new DialbookError('DIALBOOK_HOOK_RESERVED', `"${name}" is not a hook event: ${why}`);
  }

  private add<F>(map: Map<string, Entry<F>[]>, name: string, fn: F, options: HookOptions): () => void {
    const entry: Entry<F> = { fn, order: options.order ?? 0, owner: options.owner ?? 'core', seq: this.seq++ };
    const list = map.get(name) ?? [];
    list.push(entry);
    list.sort((a, b) => a.order - b.order || a.seq - b.seq);
    map.set(name, list);
    return () => {
      const current = map.get(name);
      if (!current) return;
      const i = current.indexOf(entry);
      if (i >= 0) current.splice(i, 1);
    };
  }
}
