import { describe, expect, test } from 'vitest';
import { attributeAt, cucmUserId, facNameFor, likeSafe } from './people.js';

const person = (o: Partial<{ attributes: Record<string, Record<string, unknown>>; externalId: string | null; firstName: string | null; lastName: string | null }> = {}) => ({
  attributes: {},
  externalId: null,
  firstName: null,
  lastName: null,
  ...o,
});

describe('people', () => {
  test('the CUCM user id comes from the configured attribute, or externalId', () => {
    const c = person({ attributes: { ldap: { uid: ' jdoe ', 'x.y': 'deep' } }, externalId: 'ext-1' });
    expect(cucmUserId(c, 'ldap.uid')).toBe('jdoe');
    expect(cucmUserId(c, 'externalId')).toBe('ext-1');
    expect(cucmUserId(c, 'ldap.x.y')).toBe('deep');
    expect(cucmUserId(c, 'ldap.mail')).toBeNull();
    expect(cucmUserId(person({ attributes: { ldap: { uid: ['a', 'b'] } } }), 'ldap.uid')).toBe('a');
    expect(cucmUserId(person({ attributes: { ldap: { uid: '  ' } } }), 'ldap.uid')).toBeNull();
    expect(cucmUserId(person({ attributes: { hr: { id: 4711 } } }), 'hr.id')).toBe('4711');
    expect(attributeAt({ a: { b: 1 } }, 'a')).toEqual({ b: 1 });
  });

  test('the FAC name by the matching rule', () => {
    const c = person({ attributes: { ldap: { uid: 'jdoe' } }, firstName: 'John', lastName: 'Doe' });
    expect(facNameFor(c, { facMatch: 'uid', userIdAttribute: 'ldap.uid' })).toEqual({ ok: true, name: 'jdoe' });
    expect(facNameFor(c, { facMatch: 'first last', userIdAttribute: 'ldap.uid' })).toEqual({ ok: true, name: 'John Doe' });
    expect(facNameFor(person({ firstName: 'John' }), { facMatch: 'first last', userIdAttribute: 'ldap.uid' })).toEqual({ ok: false, problem: 'the contact needs a first and a last name for the FAC matching rule "first last" (it has only "John")' });
    expect(facNameFor(person(), { facMatch: 'uid', userIdAttribute: 'externalId' })).toEqual({ ok: false, problem: 'the contact has no CUCM user id (the contact\'s externalId is empty), which the FAC matching rule "uid" needs' });
  });

  test('names with LIKE wildcards are not listed by pattern', () => {
    expect(likeSafe('John Doe')).toBe(true);
    expect(likeSafe('50%')).toBe(false);
    expect(likeSafe('a_b')).toBe(false);
  });
});
