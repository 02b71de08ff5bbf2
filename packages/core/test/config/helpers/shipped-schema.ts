/**
 * The shipped JSON Schema (the committed schema/imgsync.schema.json) compiled by a real
 * JSON Schema validator, Ajv for draft 2020-12 in strict mode, as an editor's would be.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { repoRoot } from '@imgsync/test-helpers/fixtures.js';

export const shippedSchemaPath = join(repoRoot, 'packages/core/schema/imgsync.schema.json');
export const shippedSchemaText = readFileSync(shippedSchemaPath, 'utf8');
export const shippedSchema = JSON.parse(shippedSchemaText) as Record<string, unknown>;

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(shippedSchema);

/** Ajv's errors for a config's text (YAML, merge keys on, as the loader reads it); empty when the schema accepts it. */
export function schemaErrors(text: string): string[] {
  const data: unknown = parse(text, { merge: true, maxAliasCount: -1 });
  if (validate(data)) return [];
  return (validate.errors ?? []).map(
    (error: { instancePath: string; message?: string; keyword: string }) => `${error.instancePath || '/'}: ${error.message ?? error.keyword}`,
  );
}
