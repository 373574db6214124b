import { describe, expect, it } from 'vitest';
import { FilterParser } from 'ldapts';
import { and, contains, decodeUtf8Escapes, equals, escapeFilterValue, filterProblem, normaliseFilter, numberParts, searchFilter, withEquality } from '../src/filter.js';

describe('escapeFilterValue (RFC 4515)', () => {
  it('escapes the five special characters and nothing else', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(escapeFilterValue('Jörg Weiß-Çağla')).toBe('Jörg Weiß-Çağla');
  });

  it('escapes bytes one by one', () => {
    expect(escapeFilterValue(Buffer.from([0x00, 0x2a, 0xff, 0x41]))).toBe('\\00\\2a\\ff\\41');
  });

  it('a hostile term cannot change the structure of the filter', () => {
    const term = '*)(|(objectClass=*)(uid=*';
    const f = searchFilter('(objectClass=inetOrgPerson)', term, { text: ['uid', 'cn'], phones: [] });
    expect(f).toBe('(&(objectClass=inetOrgPerson)(|(uid=*\\2a\\29\\28|\\28objectClass=\\2a\\29\\28uid=\\2a*)(cn=*\\2a\\29\\28|\\28objectClass=\\2a\\29\\28uid=\\2a*)))');
    // It parses, and it is an AND of the base filter and an OR of two substring filters: nothing else.
    const parsed = FilterParser.parseString(f) as unknown as { filters: { filters?: unknown[] }[] };
    expect(parsed.filters).toHaveLength(2);
    expect(parsed.filters[1]!.filters).toHaveLength(2);
  });
});

describe('filters', () => {
  it('builds equality, substring and AND filters', () => {
    expect(equals('uid', 'a)b')).toBe('(uid=a\\29b)');
    expect(contains('telephoneNumber', '30', '1234')).toBe('(telephoneNumber=*30*1234*)');
    expect(and('objectClass=person', null, '(uid=x)')).toBe('(&(objectClass=person)(uid=x))');
    expect(and('(uid=x)')).toBe('(uid=x)');
    expect(normaliseFilter(' objectClass=user ')).toBe('(objectClass=user)');
  });

  it('refuses attribute names that would smuggle syntax', () => {
    expect(() => equals('uid)(cn', 'x')).toThrow('is not an LDAP attribute name');
  });

  it('tells a broken filter from a good one', () => {
    expect(filterProblem('(&(objectClass=person)(uid=a*))')).toBeNull();
    expect(filterProblem('objectClass=person')).toBeNull();
    expect(filterProblem('(&(objectClass=person)')).toMatch(/paren|Unbalanced/i);
    expect(filterProblem('')).toBe('the filter is empty');
  });

  it('looks for numbers in any spelling: digits between wildcards, national prefix dropped', () => {
    expect(numberParts('030 1234-567')).toEqual(['30', '1234', '567']);
    expect(numberParts('+49 30 1234')).toEqual(['49', '30', '1234']);
    expect(numberParts('müller')).toBeNull();
    const f = searchFilter('(objectClass=person)', '030 1234', { text: ['cn'], phones: ['telephoneNumber', 'mobile'] });
    expect(f).toContain('(telephoneNumber=*30*1234*)');
    expect(f).toContain('(mobile=*030 1234*)');
  });
});

describe('filters ldapts would mangle', () => {
  it('hex escapes of UTF-8 text become the text; other escapes stay', () => {
    expect(decodeUtf8Escapes('(cn=M\\c3\\bcller)')).toBe('(cn=Müller)');
    expect(decodeUtf8Escapes('(cn=a\\2a\\28b)')).toBe('(cn=a\\2a\\28b)');
    expect(decodeUtf8Escapes('(objectGUID=\\ff\\fe)')).toBe('(objectGUID=\\ff\\fe)');
  });

  it('a binary value travels as bytes in a filter object', () => {
    const guid = Buffer.from('3f2504e04f8941d39a0c0305e82c3301', 'hex');
    const f = withEquality('(objectClass=user)', [{ attribute: 'objectGUID', value: guid }]) as unknown as { filters: [unknown, { value: unknown }] };
    expect(f.filters[1].value).toBe(guid);
  });
});
