/**
 * Private channels between the instances of a cluster: core's own messages (state, requests and
 * answers) that ride the event relay (`cluster.ts`) beside the hook events but are no hook event.
 * They are not in `HookEvents` and not on the hook bus: the bus refuses a channel's name, so no
 * plugin can send or hear them. Only core's container holds the {@link ClusterChannels}; a plugin's
 * `ctx` never reaches it.
 *
 * ```ts
 * const pings = channels.channel<{ from: string }>('jobs.ping');
 * pings.on(({ from }) => log(from)); // what the other instances send
 * await pings.send({ from: instance }); // to every other instance, not back to this one
 * ```
 *
 * Messages leave in the order they were sent, in line with the relayed hook events. Like those
 * they are plain JSON, are not queued for an instance that is not listening, and one too large to
 * relay is dropped (logged): the channel's user repeats what matters. With one instance (SQLite,
 * no relay) a message reaches nobody.
 */
import type { Logger } from 'pino';
import { DialbookError } from '../base/errors.js';
import type { HookBus } from './bus.js';

export interface ClusterChannel<T extends object> {
  readonly name: string;
  /** Send to every other instance; resolves once the relay has handed it on (at once without a relay). Never rejects: a failure is logged. */
  send(message: T): Promise<void>;
  /** Hear what the other instances send; returns a function that stops listening. */
  on(listener: (message: T) => void | Promise<void>): () => void;
}

/** How the relay carries a channel's message to the other instances. */
export type ChannelTransport = (name: string, message: object) => Promise<void>;

type Listener = (message: object) => void | Promise<void>;

interface Open {
  listeners: Set<Listener>;
  sent: number;
  received: number;
}

/** Every channel of one instance, by name; the relay attaches as their transport. */
export class ClusterChannels {
  private readonly open = new Map<string, Open>();
  private transport: ChannelTransport | null = null;

  constructor(
    private readonly hooks: HookBus,
    private readonly logger?: Logger,
  ) {}

  /** Open the channel `name` (once per instance); the name is reserved on the hook bus from now on. */
  channel<T extends object>(name: string): ClusterChannel<T> {
    if (this.open.has(name)) throw new DialbookError('DIALBOOK_CLUSTER_CHANNEL_TAKEN', `the private channel "${name}" between instances is already open; one part of core owns each channel`);
    this.hooks.reserve(name, 'it is a private channel between Dialbook instances');
    const channel: Open = { listeners: new Set(), sent: 0, received: 0 };
    this.open.set(name, channel);
    return {
      name,
      send: async (message) => {
        channel.sent++;
        await this.transport?.(name, message).catch((err: unknown) => this.logger?.error({ err, channel: name }, `could not relay a message of the private channel "${name}" to the other instances`));
      },
      on: (listener) => {
        const l = listener as Listener;
        channel.listeners.add(l);
        return () => void channel.listeners.delete(l);
      },
    };
  }

  /** A channel of this name is open (the relay routes its messages here, not to the hook bus). */
  has(name: string): boolean {
    return this.open.has(name);
  }

  /** Messages sent and received so far, by channel (for status pages and tests). */
  status(): { name: string; sent: number; received: number }[] {
    return [...this.open].map(([name, c]) => ({ name, sent: c.sent, received: c.received }));
  }

  /** The relay carries the messages from now on; returns a function that detaches it. */
  attach(transport: ChannelTransport): () => void {
    this.transport = transport;
    return () => {
      if (this.transport === transport) this.transport = null;
    };
  }

  /** A message another instance sent: every listener runs, one after the other; one that throws is logged. */
  async receive(name: string, message: object): Promise<void> {
    const channel = this.open.get(name);
    if (!channel) return;
    channel.received++;
    for (const listener of [...channel.listeners]) {
      try {
        await listener(message);
      } catch (err) {
        this.logger?.error({ err, channel: name }, `a listener of the private channel "${name}" failed`);
      }
    }
  }
}
