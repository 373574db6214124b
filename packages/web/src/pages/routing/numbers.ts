/** Number inputs of the routing forms: empty means "no cap" (null); anything else must be a whole number in range. */

/** `''` → null; a whole number from `min` → the number; else a message for the field. */
export function parseCap(text: string, min = 0): number | null | { error: string } {
  const t = text.trim();
  if (!t) return null;
  if (!/^-?\d+$/.test(t) || Number(t) < min) return { error: `Enter a whole number from ${min}, or leave it empty for no cap.` };
  return Number(t);
}

/** A required whole number in [min, max], or a message. */
export function parseWhole(text: string, min: number, max: number): number | { error: string } {
  const t = text.trim();
  if (!/^-?\d+$/.test(t) || Number(t) < min || Number(t) > max) return { error: `Enter a whole number from ${min} to ${max}.` };
  return Number(t);
}

export const isError = (v: unknown): v is { error: string } => typeof v === 'object' && v !== null && 'error' in v;
export const capText = (n: number | null | undefined): string => (n === null || n === undefined ? '' : String(n));
