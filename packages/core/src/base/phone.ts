import { parsePhoneNumberFromString, type CountryCode, isSupportedCountry } from 'libphonenumber-js';

export interface NormalisedNumber {
  /** E.164 (`+49301234567`) when the number is a possible public number, else null (short internal extensions). */
  e164: string | null;
  /** Digits as dialled (a leading `+` kept), for matching numbers that have no E.164 form. */
  digits: string;
}

/** Keep `+` only in first position, drop everything but digits otherwise. */
export const dialDigits = (raw: string): string => {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/[^0-9]/g, '');
  return trimmed.startsWith('+') ? `+${digits}` : digits;
};

export const isCountryCode = (value: string): value is CountryCode => isSupportedCountry(value.toUpperCase() as CountryCode);

/**
 * Normalise any common written form of a phone number.
 *
 * ```ts
 * normaliseNumber('030 1234567', 'DE')      // { e164: '+49301234567', digits: '0301234567' }
 * normaliseNumber('0049 30 1234567', 'DE')  // { e164: '+49301234567', … }
 * normaliseNumber('4711', 'DE')             // { e164: null, digits: '4711' } (an extension)
 * ```
 */
export function normaliseNumber(raw: string, defaultCountry?: string | null): NormalisedNumber {
  const digits = dialDigits(raw);
  const country = defaultCountry && isCountryCode(defaultCountry) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  // Too short to be anything but an internal extension: never guess a country code for it.
  if (digits.replace('+', '').length < 5) return { e164: null, digits };
  const parsed = parsePhoneNumberFromString(raw, country ? { defaultCountry: country } : undefined);
  if (parsed && parsed.isPossible()) return { e164: parsed.number, digits };
  return { e164: null, digits };
}
