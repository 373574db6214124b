import { describe, expect, test, vi } from 'vitest';
import { silentLogger } from '../base/logger.js';
import { DialbookError } from '../base/errors.js';
import { systemActor } from '../base/actor.js';
import { HookBus } from './bus.js';
import type { ContactInput } from '../contacts/types.js';

const input = (firstName: string): ContactInput => ({
  firstName,
  lastName: null,
  displayName: firstName,
  organization: null,
  department: null,
  title: null,
  emails: [],
  phones: [],
  tags: [],
  notes: null,
  source: 'manual',
  externalId: null,
  attributes: {},
});

const payload = { phonebookId: null, siteId: 's', reason: 'test' };

describe('events', () => {
  test('listeners run in order of `order`, then registration', async () => {
    const bus = new HookBus();
    const seen: string[] = [];
    bus.on('phonebook.changed', () => void seen.push('b'));
    bus.on('phonebook.changed', () => void seen.push('a'), { order: -1 });
    bus.on('phonebook.changed', () => void seen.push('c'));
    await bus.emit('phonebook.changed', payload);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  test('a failing listener is isolated and logged; the others still run', async () => {
    const logger = silentLogger();
    const error = vi.spyOn(logger, 'error');
    const bus = new HookBus(logger);
    const seen: string[] = [];
    bus.on('phonebook.changed', () => void seen.push('first'));
    bus.on('phonebook.changed', () => {
      throw new Error('boom');
    }, { owner: 'flaky' });
    bus.on('phonebook.changed', async () => {
      await Promise.resolve();
      seen.push('last');
    });
    const failed = await bus.emit('phonebook.changed', payload);
    expect(failed).toBe(1);
    expect(seen).toEqual(['first', 'last']);
    expect(error).toHaveBeenCalledOnce();
    expect(String(error.mock.calls[0]?.[1])).toContain('flaky');
  });

  test('unsubscribe and once', async () => {
    const bus = new HookBus();
    let n = 0;
    let m = 0;
    const off = bus.on('phonebook.changed', () => void n++);
    bus.once('phonebook.changed', () => void m++);
    await bus.emit('phonebook.changed', payload);
    off();
    await bus.emit('phonebook.changed', payload);
    expect(n).toBe(1);
    expect(m).toBe(1);
    expect(bus.count('phonebook.changed')).toBe(0);
  });
});

describe('filters', () => {
  test('run in order, each sees the previous value; returning nothing keeps it', async () => {
    const bus = new HookBus();
    bus.filter('contact.beforeSave', (v) => ({ ...v, input: { ...v.input, firstName: `${v.input.firstName}-2` } }), { order: 2 });
    bus.filter('contact.beforeSave', (v) => ({ ...v, input: { ...v.input, firstName: `${v.input.firstName}-1` } }), { order: 1 });
    bus.filter('contact.beforeSave', () => undefined, { order: 3 });
    const out = await bus.apply('contact.beforeSave', { input: input('x'), existing: null, siteId: 's' }, { actor: systemActor });
    expect(out.input.firstName).toBe('x-1-2');
  });

  test('a filter that throws rejects the action; later filters do not run', async () => {
    const bus = new HookBus();
    const later = vi.fn();
    bus.filter('contact.beforeSave', () => {
      throw new Error('no contacts named x');
    }, { owner: 'policy' });
    bus.filter('contact.beforeSave', later);
    const run = bus.apply('contact.beforeSave', { input: input('x'), existing: null, siteId: 's' }, { actor: systemActor });
    await expect(run).rejects.toMatchObject({ code: 'DIALBOOK_HOOK_REJECTED', status: 422, plugin: 'policy', message: 'policy rejected contact.beforeSave: no contacts named x' });
    expect(later).not.toHaveBeenCalled();
  });

  test('a DialbookError from a filter reaches the caller as it is', async () => {
    const bus = new HookBus();
    bus.filter('contact.beforeSave', () => {
      throw new DialbookError('ACME_TITLE_REQUIRED', 'title is required', { status: 422, field: 'title' });
    });
    await expect(bus.apply('contact.beforeSave', { input: input('x'), existing: null, siteId: 's' }, { actor: systemActor })).rejects.toMatchObject({ code: 'ACME_TITLE_REQUIRED', field: 'title' });
  });
});
