import { describe, expect, test } from 'vitest';
import { renderYealink } from '../src/render/index.js';
import { cleanText, xmlText } from '../src/render/xml.js';
import { contact, input, parseXml } from './helpers.js';

/** Every Unicode non-character: U+FDD0–U+FDEF and U+xFFFE/U+xFFFF of the 17 planes (66 in all). */
const NON_CHARACTERS = [
  ...Array.from({ length: 32 }, (_, i) => 0xfdd0 + i),
  ...Array.from({ length: 17 }, (_, plane) => [plane * 0x10000 + 0xfffe, plane * 0x10000 + 0xffff]).flat(),
].map((cp) => String.fromCodePoint(cp));

describe('xmlText', () => {
  test('the five markup characters become the predefined entities, nothing else is touched', () => {
    expect(xmlText(`Smith & Sons <"O'Brien"> >`)).toBe('Smith &amp; Sons &lt;&quot;O&apos;Brien&quot;&gt; &gt;');
    expect(xmlText('&amp;')).toBe('&amp;amp;'); // never "already escaped": stored text is text
    expect(xmlText('Jürgen Weiß, Zoë Dvořák, 王小明, Ελένη, 🙂📞')).toBe('Jürgen Weiß, Zoë Dvořák, 王小明, Ελένη, 🙂📞');
    expect(xmlText(null)).toBe('');
    expect(xmlText('')).toBe('');
  });

  test('every control character: C0 (except tab/newline/return) and C1 dropped, tab/newline/return become one space', () => {
    for (let cp = 0; cp < 0xa0; cp++) {
      if (cp >= 0x20 && cp < 0x7f) continue;
      const out = xmlText(`a${String.fromCharCode(cp)}b`);
      expect(out, `U+${cp.toString(16)}`).toBe(cp === 9 || cp === 10 || cp === 13 ? 'a b' : 'ab');
    }
    expect(xmlText('line1\r\n\tline2')).toBe('line1 line2');
  });

  test('lone surrogates and non-characters are dropped; pairs stay', () => {
    expect(xmlText('a\uD83Db')).toBe('ab');
    expect(xmlText('a\uDE42b')).toBe('ab');
    expect(xmlText('\uDE42\uD83D')).toBe('');
    expect(xmlText('a\uD83D\uDE42b')).toBe('a🙂b');
    expect(xmlText('a\uFFFE\uFFFFb')).toBe('ab');
  });

  test('every non-character is dropped (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF of every plane); its neighbours stay', () => {
    expect(NON_CHARACTERS).toHaveLength(66);
    for (const c of NON_CHARACTERS) {
      const hex = `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`;
      expect(xmlText(`a${c}b`), hex).toBe('ab');
      expect(cleanText(`a${c}b`), hex).toBe('ab');
    }
    const neighbours = [0xfdcf, 0xfdf0, 0xfffd, 0x10000, 0x1fffd, 0x20000, 0x10fffd].map((cp) => String.fromCodePoint(cp));
    for (const c of neighbours) expect(xmlText(`a${c}b`)).toBe(`a${c}b`);
  });

  test('a rendered phonebook carries no non-character', () => {
    const name = `Ann${NON_CHARACTERS.join('')}a`;
    const xml = renderYealink(input([contact({ firstName: name, lastName: 'Weiß', department: `Sales\uFDD0`, phones: [['work', '2001']] })])).body as string;
    for (const c of NON_CHARACTERS) expect(xml.includes(c), `U+${c.codePointAt(0)!.toString(16)}`).toBe(false);
    const [menu] = parseXml(xml).YealinkIPPhoneBook.Menu;
    expect([menu['@Name'], menu.Unit[0]['@Name']]).toEqual(['Sales', 'Anna Weiß']);
  });

  test('trimmed; cleanText does not escape', () => {
    expect(xmlText('  x  ')).toBe('x');
    expect(cleanText(' a & b\u0001 ')).toBe('a & b');
  });

  test('every BMP code point, escaped into an attribute and an element, parses back to the cleaned text', () => {
    const chunks: string[] = [];
    for (let start = 0; start < 0x10000; start += 0x800) {
      let s = '';
      for (let cp = start; cp < start + 0x800; cp++) s += String.fromCharCode(cp);
      chunks.push(s);
    }
    for (const chunk of chunks) {
      const doc = parseXml(`<?xml version="1.0" encoding="UTF-8"?><r a="${xmlText(chunk)}">${xmlText(chunk)}</r>`);
      // fast-xml-parser gives back the decoded entities; the text equals the cleaned input.
      expect(doc.r['@a']).toBe(cleanText(chunk));
      expect(doc.r['#text']).toBe(cleanText(chunk));
    }
  });
});
