/**
 * The JSON Schema (draft 2020-12) of the config file, generated from its one definition.
 * The build writes it to `dist/imgsync.schema.json`, and a test checks that the committed
 * `schema/imgsync.schema.json` is the same text.
 */
import * as z from 'zod';
import { configShape } from './config-shape.js';

/**
 * @example
 * writeFileSync('imgsync.schema.json', JSON.stringify(configJsonSchema(), null, 2) + '\n');
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configShape, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as Record<string, unknown>;
  return schema;
}
