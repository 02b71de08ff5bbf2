/**
 * A value of parsed data as text for a message or a comparison: a string as it is, a number,
 * boolean or bigint as JavaScript writes it, `null`/`undefined` as `''`, and anything else
 * (a mapping, a sequence) as JSON, never `[object Object]`.
 *
 * @example plainText(8) // '8'
 * @example plainText({ a: 1 }) // '{"a":1}'
 */
export function plainText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${value}`;
  if (value === null || value === undefined) return '';
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '(a function)';
  return JSON.stringify(value) ?? '';
}
