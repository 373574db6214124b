import type { z } from 'zod';

/**
 * Field errors as a person reads them: `must not be empty`, `must be at most 65535`, `must be a valid
 * e-mail address`, not zod's `Too small: expected string to have >=1 characters`. Installed once for
 * core and every plugin (they share core's zod) by `domain/validate.ts` with `z.config({ customError })`;
 * a schema's own message (`z.string().min(8, 'a password has at least 8 characters')`) still wins.
 * Problems read `<field>: <message>` (`email: must be a valid e-mail address`).
 */

const TYPES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  date: 'a date',
  null: 'null',
  file: 'a file',
  map: 'a map',
  set: 'a set',
  record: 'an object',
  tuple: 'a list',
};

const FORMATS: Record<string, string> = {
  email: 'a valid e-mail address',
  url: 'a valid URL, e.g. https://dialbook.example.com',
  uuid: 'an id (a UUID such as 3f2b8c1e-0d4a-4c5e-9f6b-2a7d8e9c0b1f)',
  guid: 'an id (a GUID such as 3f2b8c1e-0d4a-4c5e-9f6b-2a7d8e9c0b1f)',
  datetime: 'a date and time such as 2025-03-01T09:30:00Z',
  date: 'a date such as 2025-03-01',
  time: 'a time such as 09:30 or 09:30:00',
  duration: 'an ISO 8601 duration such as PT15M',
  ipv4: 'an IPv4 address such as 192.0.2.10',
  ipv6: 'an IPv6 address such as 2001:db8::1',
  cidrv4: 'an IPv4 range such as 192.0.2.0/24',
  cidrv6: 'an IPv6 range such as 2001:db8::/32',
  e164: 'a phone number in international form such as +4930123456',
  base64: 'base64-encoded',
  base64url: 'base64url-encoded',
  jwt: 'a JSON web token',
  emoji: 'an emoji',
  json_string: 'valid JSON text',
};

const plural = (n: number | bigint, unit: string) => `${String(n)} ${unit}${Number(n) === 1 ? '' : 's'}`;
const quote = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));
const when = (ms: number | bigint) => new Date(Number(ms)).toISOString();
const sizeUnit = (origin: string) => ({ string: 'character', array: 'item', set: 'item', map: 'entry', file: 'byte' })[origin];

type Issue = z.core.$ZodRawIssue;

/** The message for a zod issue, or undefined for zod's own (never reached for the codes below). */
export function fieldMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'number' && typeof issue.input === 'number') return 'must be a finite number';
      return `must be ${TYPES[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const unit = sizeUnit(issue.origin);
      if (unit) {
        if (Number(issue.minimum) === 1 && !issue.exact) return 'must not be empty';
        if (issue.exact) return `must have exactly ${plural(issue.minimum, unit)}`;
        return `must have at least ${plural(issue.minimum, unit)}`;
      }
      if (issue.origin === 'date') return `must be ${issue.inclusive ? 'on or after' : 'after'} ${when(issue.minimum)}`;
      return issue.inclusive ? `must be at least ${String(issue.minimum)}` : `must be greater than ${String(issue.minimum)}`;
    }
    case 'too_big': {
      const unit = sizeUnit(issue.origin);
      if (unit) return issue.exact ? `must have exactly ${plural(issue.maximum, unit)}` : `must have at most ${plural(issue.maximum, unit)}`;
      if (issue.origin === 'date') return `must be ${issue.inclusive ? 'on or before' : 'before'} ${when(issue.maximum)}`;
      return issue.inclusive ? `must be at most ${String(issue.maximum)}` : `must be less than ${String(issue.maximum)}`;
    }
    case 'invalid_format': {
      const f = issue as Issue & { format: string; prefix?: string; suffix?: string; includes?: string; pattern?: string };
      if (f.format === 'starts_with') return `must start with "${f.prefix}"`;
      if (f.format === 'ends_with') return `must end with "${f.suffix}"`;
      if (f.format === 'includes') return `must contain "${f.includes}"`;
      if (f.format === 'regex') return `is not in the expected form (${f.pattern})`;
      if (/^uuid/.test(f.format)) return `must be ${FORMATS.uuid}`;
      return `must be ${FORMATS[f.format] ?? `a valid ${f.format}`}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return issue.keys.length === 1 ? `"${issue.keys[0]}" is not a known field` : `${issue.keys.map(quote).join(', ')} are not known fields`;
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an entry that is not valid';
    case 'invalid_union':
      if (issue.inclusive === false) return 'matches more than one of the allowed forms';
      // A discriminated union names the discriminator as the path (`type: must be one of "a", "b"`).
      if (issue.options?.length) return `must be one of ${issue.options.map(quote).join(', ')}`;
      return 'does not match any of the allowed forms';
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${quote(issue.values[0])}` : `must be one of ${issue.values.map(quote).join(', ')}`;
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
}
