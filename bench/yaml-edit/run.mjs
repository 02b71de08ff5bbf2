// Benchmark: the CST-preserving editor against yaml's own CST round trip (the floor of
// this design) and against parseDocument + toString (what users would do instead).
// Runs in one process, medians of several runs; writes the ratios to bench/RESULTS.md.
// Usage: pnpm --filter @imgsync/core build && node bench/yaml-edit/run.mjs
import { CST, Parser, parseDocument } from 'yaml';
import { parseYaml } from '../../packages/core/dist/index.js';
import { machine, summarize, updateResults, withRange } from '../results.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** A Backend.AI-style image list: `images` entries with aligned tag pairs, anchors, merges. */
function generate(images, tagsPer) {
  const out = ['# generated Backend.AI-style image metadata', 'images:', ''];
  for (let i = 0; i < images; i++) {
    out.push(`  - name: kernel-${i}`, '    syntax: python', '    tags:', `      - ["latest",     ":${tagsPer - 1}.0-ubuntu"]   # alias`);
    for (let t = 0; t < tagsPer - 1; t++) {
      const tag = `${t}.0-ubuntu`;
      out.push(
        `      - [${JSON.stringify(tag)},${' '.repeat(Math.max(1, 14 - tag.length))}"${(((i * 31 + t) * 2654435761) % 2 ** 48).toString(16).padStart(12, '0')}"]`,
      );
    }
    out.push('      # - ["legacy", ""]');
    if (i === 0) out.push('    slots: &default', '      cpu: 1    # cores', '      mem: 1.0  # GiB');
    else out.push('    slots:', '      <<: *default');
  }
  return `${out.join('\n')}\n`;
}

function time(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function measure(text, images, edits) {
  const cst = () => {
    let out = '';
    for (const tok of new Parser().parse(text)) out += CST.stringify(tok);
    if (out.length !== text.length) throw new Error('CST round trip lost bytes');
  };
  const documentRoundTrip = () => {
    parseDocument(text).toString();
  };
  const editor = () => {
    const file = parseYaml(text, { path: 'bench.yml' });
    for (let e = 0; e < edits; e++) {
      const i = Math.floor((e * 7919) % images);
      if (e % 5 === 4) file.addIn(['images', i, 'tags'], [`${100 + e}.0-ubuntu`, 'abcdef012345']);
      else file.setIn(['images', i, 'tags', 1 + (e % 20), 1], `${e.toString(16).padStart(12, '0')}`);
    }
    file.toString();
  };
  // warm up
  cst();
  documentRoundTrip();
  editor();
  const results = { cst: [], doc: [], editor: [] };
  for (let r = 0; r < RUNS; r++) {
    results.cst.push(time(cst));
    results.doc.push(time(documentRoundTrip));
    results.editor.push(time(editor));
  }
  return {
    cst: summarize(results.cst),
    doc: summarize(results.doc),
    editor: summarize(results.editor),
    // per run, against the floor and the Document round trip measured in the same run
    floorRatio: summarize(results.editor.map((e, r) => e / results.cst[r])),
    docRatio: summarize(results.doc.map((d, r) => d / results.editor[r])),
  };
}

const startLoad = (await import('node:os')).loadavg()[0];
const rows = [];
for (const images of [500, 1000, 2000]) {
  const text = generate(images, 26);
  const m = measure(text, images, 500);
  rows.push({ images, bytes: text.length, ...m });
  console.log(
    `${images} images (${(text.length / 1e6).toFixed(2)} MB): CST ${m.cst.median.toFixed(1)} ms, Document ${m.doc.median.toFixed(1)} ms, editor ${m.editor.median.toFixed(1)} ms`,
  );
}
const big = rows[rows.length - 1];
const msf = (x) => x.toFixed(1);
const xf = (x) => `${x.toFixed(2)}×`;
const held = (ok, all) => (all ? 'held in every run' : ok ? 'met by the median, not in every run' : '**missed**');
const lines = [
  `Generated Backend.AI-style file, 26 tags per image, 500 edits (400 setIn, 100 addIn) per run; the three variants`,
  `interleaved, ${RUNS} runs, median (min–max); ratios per run against the floor measured in the same run.`,
  `${await machine()} (${startLoad.toFixed(2)} when it started), ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| images | size | CST parse+stringify (floor) ms | parseDocument+toString ms | editor parse+500 edits+toString ms | editor / floor | Document / editor |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.images} | ${(r.bytes / 1e6).toFixed(2)} MB | ${withRange(r.cst, msf)} | ${withRange(r.doc, msf)} | ${withRange(r.editor, msf)} | ${withRange(r.floorRatio, xf)} | ${withRange(r.docRatio, xf)} |`,
  ),
  '',
  `Linearity: editor time per MB ${rows.map((r) => (r.editor.median / (r.bytes / 1e6)).toFixed(1)).join(' / ')} ms at ${rows.map((r) => r.images).join(' / ')} images (medians).`,
  `Targets, at ${big.images} images: editor within 1.15× of the floor (${withRange(big.floorRatio, xf)}: ${held(big.floorRatio.median <= 1.15, big.floorRatio.max <= 1.15)}),`,
  `at least 1.4× faster than the Document round trip (${withRange(big.docRatio, xf)}: ${held(big.docRatio.median >= 1.4, big.docRatio.min >= 1.4)}).`,
];
updateResults('yaml-edit', lines.join('\n'));
