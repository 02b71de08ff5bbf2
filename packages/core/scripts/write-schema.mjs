#!/usr/bin/env node
// Writes the config's JSON Schema, generated from its one definition (src/config/shape/),
// to dist/imgsync.schema.json (run by `pnpm build`). With --update it also writes the
// committed copy, schema/imgsync.schema.json, which a test keeps equal to the generated one.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const text = `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
writeFileSync(join(root, 'dist/imgsync.schema.json'), text);
if (process.argv.includes('--update')) writeFileSync(join(root, 'schema/imgsync.schema.json'), text);
