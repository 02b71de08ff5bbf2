/**
 * Writing a value as a YAML scalar so that it reads back as exactly that value.
 *
 * A string that would read back as another type or would break the structure — `1.10`
 * (a float), `yes` (a boolean under YAML 1.1, which many tools still use), `x: y`, `#`,
 * a leading `*` or `&`, a newline, leading or trailing spaces, `,` or brackets inside a
 * flow collection — is quoted. A plain scalar stays plain when that is safe; an existing
 * quoted scalar keeps its quotes. Safety is decided by the real parser, not by a list:
 * the candidate is parsed back in the context it will live in, under both YAML 1.2 and
 * YAML 1.1 rules, and must come back as the same string.
 */
import { parse } from 'yaml';

export type ScalarStyle = 'plain' | 'single' | 'double';
/** A value the editor writes as a scalar. */
export type ScalarValue = string | number | boolean | null;

export interface RenderContext {
  /** Inside `[...]` or `{...}`: `,` `[` `]` `{` `}` also force quotes. */
  inFlow: boolean;
  /** The style of the scalar being replaced, or of the sibling used as a template. */
  style: ScalarStyle;
}

/** Renders `value` as scalar source text in the given context. */
export function renderScalar(value: ScalarValue, ctx: RenderContext): { source: string; style: ScalarStyle } {
  if (value === null) return { source: 'null', style: 'plain' };
  if (typeof value === 'boolean') return { source: String(value), style: 'plain' };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { source: '.nan', style: 'plain' };
    if (!Number.isFinite(value)) return { source: value > 0 ? '.inf' : '-.inf', style: 'plain' };
    return { source: String(value), style: 'plain' };
  }
  const hasBreak = /[\n\r]/.test(value);
  // YAML's non-printable characters: what a plain or single-quoted scalar cannot hold
  // eslint-disable-next-line no-control-regex
  const printable = !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/.test(value);
  if (ctx.style === 'single' && !hasBreak && printable) return { source: singleQuoted(value), style: 'single' };
  if (ctx.style === 'double' || hasBreak || !printable) return { source: doubleQuoted(value), style: 'double' };
  if (isPlainSafe(value, ctx.inFlow)) return { source: value, style: 'plain' };
  return { source: doubleQuoted(value), style: 'double' };
}

export function singleQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** JSON string escapes are all valid YAML double-quoted escapes. */
export function doubleQuoted(value: string): string {
  return JSON.stringify(value).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const plainCache = new Map<string, boolean>();

/** Whether `value` can be written as a plain scalar and read back unchanged. */
export function isPlainSafe(value: string, inFlow: boolean): boolean {
  if (value === '' || value.trim() !== value || /[\n\r\t]/.test(value)) return false;
  const key = `${inFlow ? 'f' : 'b'}${value}`;
  const known = plainCache.get(key);
  if (known !== undefined) return known;
  let safe = false;
  try {
    const probe = inFlow ? `[${value}]` : `k: ${value}`;
    safe = [{ version: '1.2' as const }, { version: '1.1' as const }].every((opts) => {
      const data: unknown = parse(probe, { ...opts, uniqueKeys: false, logLevel: 'error' });
      const back: unknown = inFlow ? (Array.isArray(data) && data.length === 1 ? data[0] : undefined) : (data as { k?: unknown } | null)?.k;
      return back === value;
    });
  } catch {
    safe = false;
  }
  if (plainCache.size > 10_000) plainCache.clear();
  plainCache.set(key, safe);
  return safe;
}

export function styleOfTokenType(type: string): ScalarStyle {
  if (type === 'single-quoted-scalar') return 'single';
  if (type === 'double-quoted-scalar') return 'double';
  return 'plain';
}

export function tokenTypeOfStyle(style: ScalarStyle): 'scalar' | 'single-quoted-scalar' | 'double-quoted-scalar' {
  if (style === 'single') return 'single-quoted-scalar';
  if (style === 'double') return 'double-quoted-scalar';
  return 'scalar';
}
