// Writes one section (`## name`) of bench/RESULTS.md, keeping the other sections; and the
// helpers every bench reports with (median and range, the machine and its load).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/RESULTS.md beside this file, or, when this file was bundled elsewhere, above the working directory. */
function resultsFile() {
  const beside = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
  if (existsSync(beside) && dirname(beside).endsWith('bench')) return beside;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'bench', 'results.mjs'))) return join(dir, 'bench', 'RESULTS.md');
    if (dirname(dir) === dir) throw new Error('bench/RESULTS.md not found above the working directory');
  }
}

export function updateResults(name, body) {
  const file = resultsFile();
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

/** Median, min and max of a run's measurements (the median of an even count is the mean of the middle two). */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], values: sorted };
}

/** `1.23 (1.10–1.40)`: a median and its range, each written by `format`. */
export function withRange(summary, format = (x) => String(x)) {
  return summary.min === summary.max ? format(summary.median) : `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

/** The machine and its load, for a RESULTS section: `2 × AMD EPYC, 23.5 GiB, Node v20.20.2, load average 1.2 1.5 1.9`. */
export async function machine() {
  const { cpus, loadavg, totalmem } = await import('node:os');
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}
