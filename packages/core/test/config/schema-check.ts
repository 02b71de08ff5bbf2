/**
 * A checker for the subset of JSON Schema (draft 2020-12) that imgsync.schema.json uses,
 * so the tests can validate example configs against the schema without a library.
 * `SUPPORTED_KEYWORDS` is checked against the schema by the tests: a keyword this checker
 * does not understand cannot slip into the schema and be silently ignored.
 */
type Schema = Record<string, unknown>;

export const SUPPORTED_KEYWORDS = new Set([
  // annotations
  '$schema', 'title', 'description', 'default', 'examples', '$defs',
  // assertions and applicators
  'type', 'properties', 'additionalProperties', 'required', 'propertyNames', 'enum', 'const',
  'items', 'minItems', 'oneOf', 'allOf', 'if', 'then', 'not', '$ref', 'pattern', 'minLength',
  'minimum', 'maximum',
]);

/** Every keyword used anywhere in `schema` (property names under `properties`/`$defs` excluded). */
export function keywordsOf(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((item) => keywordsOf(item, out));
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return out;
  for (const [key, value] of Object.entries(schema)) {
    out.add(key);
    if (key === 'properties' || key === '$defs') Object.values(value as Schema).forEach((sub) => keywordsOf(sub, out));
    else if (key !== 'enum' && key !== 'const' && key !== 'default' && key !== 'examples' && key !== 'required') keywordsOf(value, out);
  }
  return out;
}

/** The problems of `data` against `root`, as `path: reason` strings; empty when valid. */
export function schemaErrors(root: Schema, data: unknown): string[] {
  const errors: string[] = [];
  check(root, root, data, '', errors);
  return errors;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(root: Schema, schema: Schema, data: unknown, at: string, errors: string[]): void {
  const fail = (reason: string): void => {
    errors.push(`${at || '/'}: ${reason}`);
  };
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    check(root, (root.$defs as Record<string, Schema>)[name]!, data, at, errors);
  }
  if (schema.type !== undefined) {
    const actual = typeOf(data);
    if (!(actual === schema.type || (schema.type === 'number' && actual === 'integer'))) return fail(`expected ${String(schema.type)}, got ${actual}`);
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(data)) fail(`not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== data) fail(`not ${JSON.stringify(schema.const)}`);
  if (typeof data === 'string') {
    if (typeof schema.minLength === 'number' && data.length < schema.minLength) fail('too short');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(data)) fail(`does not match ${schema.pattern}`);
  }
  if (typeof data === 'number') {
    if (typeof schema.minimum === 'number' && data < schema.minimum) fail('below minimum');
    if (typeof schema.maximum === 'number' && data > schema.maximum) fail('above maximum');
  }
  if (Array.isArray(data)) {
    if (typeof schema.minItems === 'number' && data.length < schema.minItems) fail('too few items');
    if (schema.items) data.forEach((item, i) => check(root, schema.items as Schema, item, `${at}/${i}`, errors));
  }
  if (typeOf(data) === 'object') {
    const object = data as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in object)) fail(`missing ${key}`);
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, value] of Object.entries(object)) {
      if (schema.propertyNames) check(root, schema.propertyNames as Schema, key, `${at}/${key} (name)`, errors);
      if (properties[key]) check(root, properties[key], value, `${at}/${key}`, errors);
      else if (schema.additionalProperties === false) fail(`unknown key ${key}`);
      else if (typeof schema.additionalProperties === 'object') check(root, schema.additionalProperties as Schema, value, `${at}/${key}`, errors);
    }
  }
  const passes = (sub: Schema) => {
    const inner: string[] = [];
    check(root, sub, data, at, inner);
    return inner.length === 0;
  };
  if (schema.oneOf && (schema.oneOf as Schema[]).filter(passes).length !== 1) fail('matches not exactly one of oneOf');
  for (const sub of (schema.allOf as Schema[] | undefined) ?? []) check(root, sub, data, at, errors);
  if (schema.not && passes(schema.not as Schema)) fail('matches a "not" schema');
  if (schema.if && schema.then && passes(schema.if as Schema)) check(root, schema.then as Schema, data, at, errors);
}
