import { describe, expect, test, vi } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { HookBus } from './bus.js';
import { ClusterChannels } from './channels.js';

describe('private channels between instances', () => {
  test('a channel takes its name off the hook bus, and opens once', () => {
    const bus = new HookBus();
    const channels = new ClusterChannels(bus);
    channels.channel<{ n: number }>('area.ping');
    expect(channels.has('area.ping')).toBe(true);
    expect(() => bus.on('area.ping' as never, () => undefined)).toThrow(/"area.ping" is not a hook event/);
    expect(() => bus.filter('area.ping' as never, () => undefined)).toThrow(/not a hook event/);
    expect(() => channels.channel('area.ping')).toThrow(/already open/);
    bus.on('phonebook.changed', () => undefined);
    expect(() => channels.channel('phonebook.changed')).toThrow(/already has listeners/);
  });

  test('send goes to the transport only (nobody without one); receive reaches every listener, one failing is logged', async () => {
    const logger = silentLogger();
    const error = vi.spyOn(logger, 'error');
    const channels = new ClusterChannels(new HookBus(), logger);
    const ping = channels.channel<{ n: number }>('area.ping');
    const heard: number[] = [];
    ping.on(() => {
      throw new Error('boom');
    });
    const off = ping.on(({ n }) => void heard.push(n));
    await ping.send({ n: 1 }); // no relay: reaches nobody, not even this instance
    const out: [string, object][] = [];
    const detach = channels.attach(async (name, message) => void out.push([name, message]));
    await ping.send({ n: 2 });
    expect(out).toEqual([['area.ping', { n: 2 }]]);
    expect(heard).toEqual([]);
    await channels.receive('area.ping', { n: 3 });
    await channels.receive('area.other', { n: 4 }); // no such channel: ignored
    off();
    await channels.receive('area.ping', { n: 5 });
    expect(heard).toEqual([3]);
    expect(error).toHaveBeenCalledTimes(2);
    detach();
    await ping.send({ n: 6 });
    expect(out).toHaveLength(1);
    expect(channels.status()).toEqual([{ name: 'area.ping', sent: 3, received: 2 }]);
  });
});
