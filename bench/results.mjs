// Writes one section (`## name`) of bench/RESULTS.md, keeping the other sections.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

export function updateResults(name, body) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const section = `## ${name}\n\n${body.trim()}\n`;
  const re = new RegExp(`## ${name}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}
