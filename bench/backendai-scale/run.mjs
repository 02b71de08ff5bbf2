// Benchmark: how a Backend.AI run grows with the file, up to the 20 MiB maxFileBytes
// default, and with anchors. Every image gains one tag (one edit per image: the worst
// case), discovery is on, the registry state is served from memory, so only the engine,
// the format, the editor and the diff are measured. Each measurement runs in a fresh
// process, which also gives its peak RSS. The baseline, measured in the same process on
// the same text, is one parseYaml (parse + compose): a linear run costs a constant number
// of those whatever the size, so run / parse stays flat.
// Usage: pnpm build && node bench/backendai-scale/run.mjs   (env BENCH_RUNS, BENCH_MB, BENCH_ANCHORS)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSnapshotSource, parseConfig, parseYaml, runUpdate } from '../../packages/core/dist/index.js';
import { updateResults } from '../results.mjs';

const sha = (text) => createHash('sha256').update(text).digest('hex');

/**
 * A Backend.AI-style file of about `bytes`: `shape` 'default' merges one `&default` into
 * every image (as the real file does); 'anchors' gives every image its own anchor, merged
 * by the next image (one anchor and one alias per image).
 */
function project(bytes, shape) {
  const repositories = {};
  const parts = ['images:\n'];
  let size = parts[0].length;
  for (let i = 0; ; i++) {
    const name = `kernel${i}`;
    const id = sha(name);
    let entry = `  - name: ${name}\n    syntax: python\n    tags:\n      - ["latest",     ":3.6-ubuntu"]\n      - ["3.6-ubuntu", "${id.slice(0, 12)}"]\n      #- ["2.7-ubuntu", ""]\n`;
    if (shape === 'anchors') entry += i === 0 ? `    slots: &s0\n      cpu: 1\n` : `    slots: &s${i}\n      <<: *s${i - 1}\n`;
    else entry += i === 0 ? '    slots: &default\n      cpu: 1\n' : '    slots:\n      <<: *default\n';
    if (size + entry.length > bytes) break;
    parts.push(entry);
    size += entry.length;
    repositories[`lablup/kernel-${name}`] = {
      tags: {
        '3.6-ubuntu': { manifestDigest: `sha256:${sha(`m${name}`)}`, imageId: `sha256:${id}` },
        '3.7-ubuntu': { manifestDigest: `sha256:${sha(`n${name}`)}`, imageId: `sha256:${sha(`x${name}`)}` },
      },
    };
  }
  return { text: parts.join(''), images: parts.length - 1, snapshot: { version: 1, registry: 'docker.io', namespaces: ['lablup'], repositories } };
}

async function child(bytes, shape) {
  const p = project(bytes, shape);
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-bench-backendai-'));
  writeFileSync(join(dir, 'image-metadata.yml'), p.text);
  const config = parseConfig(
    'targets:\n  - files: image-metadata.yml\n    format: backendai\n    repository: lablup/kernel-{name}\n',
    join(dir, 'imgsync.config.yaml'),
  );
  const source = createSnapshotSource(p.snapshot);
  let t0 = performance.now();
  parseYaml(p.text, { path: 'image-metadata.yml' });
  const parseMs = performance.now() - t0;
  t0 = performance.now();
  const result = await runUpdate({ config, dryRun: true, registrySource: () => source });
  const runMs = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  if (result.errors.length) throw new Error(JSON.stringify(result.errors));
  const out = {
    bytes: Buffer.byteLength(p.text),
    images: p.images,
    changes: result.changes.length,
    parseMs,
    runMs,
    rssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(out));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const RUNS = Number(process.env.BENCH_RUNS ?? 3);
  const MB = (process.env.BENCH_MB ?? '1.25,5,20').split(',').map(Number);
  const ANCHORS = (process.env.BENCH_ANCHORS ?? '2500,10000,40000').split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const measure = (bytes, shape) => {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      runs.push(
        JSON.parse(
          execFileSync(process.execPath, ['--max-old-space-size=4096', self, 'child', String(bytes), shape], { encoding: 'utf8', maxBuffer: 1 << 20 }),
        ),
      );
    }
    const ratios = runs.map((x) => x.runMs / x.parseMs);
    const row = {
      ...runs[0],
      run: median(runs.map((x) => x.runMs)),
      min: Math.min(...runs.map((x) => x.runMs)),
      max: Math.max(...runs.map((x) => x.runMs)),
      parse: median(runs.map((x) => x.parseMs)),
      ratio: median(ratios),
      rmin: Math.min(...ratios),
      rmax: Math.max(...ratios),
      rss: median(runs.map((x) => x.rssMiB)),
    };
    console.log(shape, JSON.stringify(row));
    return row;
  };
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const bySize = MB.map((mb) => measure(Math.floor(mb * 1024 * 1024), 'default'));
  // about 180 bytes per image with its own anchor
  const byAnchors = ANCHORS.map((n) => measure(n * 190, 'anchors'));
  const loadAfter = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const perMiB = (ms, bytes) => (ms / 1000 / (bytes / 1048576)).toFixed(2);
  const row = (r, first) =>
    `| ${first} | ${(r.bytes / 1048576).toFixed(2)} MiB | ${r.changes} | ${(r.run / 1000).toFixed(2)} s (${(r.min / 1000).toFixed(2)}–${(r.max / 1000).toFixed(2)}) | ${perMiB(r.run, r.bytes)} s | ${(r.parse / 1000).toFixed(2)} s | ${perMiB(r.parse, r.bytes)} s | ${r.ratio.toFixed(1)}× (${r.rmin.toFixed(1)}–${r.rmax.toFixed(1)}) | ${r.rss.toFixed(0)} MiB |`;
  const head = '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  updateResults(
    'backendai-scale',
    `\`node bench/backendai-scale/run.mjs\` — \`update --dry-run\` in-process on generated Backend.AI files where every
image gains a tag (one edit per image; discovery on; the registry state served from memory, so that the
snapshot loader is not measured). Each measurement is a fresh \`node\` process (peak RSS is its own). Baseline,
measured in the same process on the same text: one \`parseYaml\` (parse + compose). A linear engine keeps
run / parse flat as the file grows. Median of ${RUNS} runs (min–max). ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'},
Node ${process.version}, load average ${load} before, ${loadAfter} after, ${new Date().toISOString().slice(0, 10)}.

One \`&default\` merged into every image (as in Backend.AI's file), up to the 20 MiB \`maxFileBytes\` default:

| images | file | changes | run | run per MiB | parse | parse per MiB | run / parse | peak RSS |
${head}
${bySize.map((r) => row(r, r.images)).join('\n')}

Every image with its own anchor, merged by the next image (\`slots: &sN\` / \`<<: *sN-1\`):

| anchors | file | changes | run | run per MiB | parse | parse per MiB | run / parse | peak RSS |
${head}
${byAnchors.map((r) => row(r, r.images)).join('\n')}

Run time per MiB stays level from 1.25 to 20 MiB (linear); run / parse rises a little because the
baseline parse gets cheaper per MiB on bigger inputs (the JIT warms up inside one long parse). With an
anchor per image, time per MiB grew 1.1–1.5× over 16× the file in three runs: a CPU profile of the 7 MiB run has no
function that grows with the file, and the garbage collector at half the time (the heap is 2 GB there).
Peak RSS is about 170 bytes per byte of file: V8 lets the heap grow toward the 4 GiB given; the live
peak of the 20 MiB run fits a 2.4 GiB heap.

Before (same generator, CLI): 300 images 8.3 s, 2,000 images 6 min (each edit re-composed the document);
then 4,000 images 2.9 s at 12× a parse and growing (the unified diff, Myers O(N·D), and a scan of the list
per edit), and 1,000 / 3,000 own-anchor images 8.2 s / 190 s (\`yaml\`'s \`toJS\`: every alias searches all
anchors before it, every merge re-converts its source); a 5 MiB file peaked at 2.3 GB RSS and a 20 MiB one
at 4.2 GB. Now the diff is anchored on unique lines, entry lookups are indexed, the data is built in one
pass, and one file's parse is alive at a time. What is left above 1× a parse is a constant number of
whole-document passes: the plan's parse, the apply's parse (files over 256 Ki characters are parsed again
rather than kept), the check that the edited text parses, and the diff.`,
  );
}

if (process.argv[2] === 'child') await child(Number(process.argv[3]), process.argv[4]);
else await main();
