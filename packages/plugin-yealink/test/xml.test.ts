import { describe, expect, test } from 'vitest';
import { cleanText, xmlText } from '../src/render/xml.js';
import { parseXml } from './helpers.js';

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
