/**
 * The country picker: every ISO 3166-1 alpha-2 code core accepts (libphonenumber-js's list, built in), named
 * in the browser's language by `Intl.DisplayNames` and searchable by that name, the English name or the code.
 * "Germany", "Deutschland" and "DE" all find DE; "Ge" alone is not taken for Georgia.
 */
import { useMemo } from 'react';
import { Combobox, type ComboOption } from './combobox';

export const COUNTRY_CODES: readonly string[] = __COUNTRY_CODES__;

const names = (locale: string | undefined) => {
  try {
    return new Intl.DisplayNames(locale ? [locale] : undefined, { type: 'region', fallback: 'code' });
  } catch {
    return null;
  }
};

/** Countries as options, by name in the browser's language. */
export function countryOptions(locale = typeof navigator === 'undefined' ? undefined : navigator.language): ComboOption[] {
  const local = names(locale);
  const english = names('en');
  return COUNTRY_CODES.map((code) => {
    const name = local?.of(code) ?? code;
    return { value: code, label: name, hint: code, keywords: `${code} ${english?.of(code) ?? ''}` };
  }).sort((a, b) => a.label.localeCompare(b.label, locale));
}

/** `DE` → "Germany (DE)" in the browser's language; null → "—". */
export function countryName(code: string | null | undefined): string {
  if (!code) return '—';
  const name = names(undefined)?.of(code);
  return name && name !== code ? `${name} (${code})` : code;
}

export function CountryField({
  label = 'Country',
  value,
  onChange,
  onTextChange,
  error,
  hint,
}: {
  label?: string;
  value: string | null;
  onChange: (code: string | null) => void;
  onTextChange?: (text: string) => void;
  error?: string | undefined;
  hint?: string;
}) {
  const options = useMemo(() => countryOptions(), []);
  return (
    <Combobox
      label={label}
      options={options}
      value={value}
      onChange={onChange}
      {...(onTextChange ? { onTextChange } : {})}
      placeholder="Type a country or its code"
      error={error}
      hint={hint}
      noMatch="No country matches. Type its name (Germany) or ISO code (DE)."
    />
  );
}

/**
 * The message for a country field before it is sent: text typed that names no country is refused here,
 * rather than sent as nothing. `undefined` when fine.
 */
export function countryProblem(value: string | null, text: string): string | undefined {
  const typed = text.trim();
  if (!typed) return undefined;
  if (!value) return `"${typed}" is not a country in the list: pick one (type its name or ISO code, such as DE).`;
  return undefined;
}
