// Lambda bundle benchmark: zip size, module init time, peak RSS of a full run.
//
//   pnpm --filter @imgsync/lambda build && node bench/lambda/run.mjs
//   env: BENCH_LAMBDA_INIT_RUNS (default 15), BENCH_LAMBDA_RSS_RUNS (default 5), BENCH_LAMBDA_WRITE=0 to skip RESULTS.md
//
// Each measurement runs the built handler.mjs copied alone into a temp directory, in fresh
// node processes, as a cold Lambda start would load it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { updateResults } from '../results.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'packages/lambda/dist');
const initRuns = Number(process.env.BENCH_LAMBDA_INIT_RUNS ?? 21);
const rssRuns = Number(process.env.BENCH_LAMBDA_RSS_RUNS ?? 5);
const TARGET = { zipBytes: 1024 * 1024, initMs: 150, rssMb: 128 };

const work = mkdtempSync(join(tmpdir(), 'imgsync-bench-lambda-'));
try {
  const task = join(work, 'task');
  cpSync(join(dist, 'handler.mjs'), join(task, 'handler.mjs'));
  writeFileSync(join(task, 'empty.mjs'), 'export const handler = async () => {};\n');

  // 1. sizes, and what the bundle is made of (esbuild metafile)
  const zipBytes = statSync(join(dist, 'handler.zip')).size;
  const bundleBytes = statSync(join(dist, 'handler.mjs')).size;
  const meta = JSON.parse(readFileSync(join(dist, 'metafile-esm.json'), 'utf8'));
  const output = Object.entries(meta.outputs).find(([name]) => name.endsWith('handler.mjs'))[1];
  const byPackage = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
    const name = m ? m[1] : /(^|\/)core\/(dist|src)\//.test(input) ? '@imgsync/core (own code)' : '@imgsync/lambda (own code)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const heaviest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);

  // 2. module init: import() time in fresh processes, against an empty module measured alongside
  // Wall time and CPU time (user + system) of the import: on a busy machine the CPU time
  // is the steadier of the two.
  const importMs = (file) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const u = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)});
           const c = process.cpuUsage(u); console.log(JSON.stringify({ wall: performance.now() - t, cpu: (c.user + c.system) / 1000 }));`,
        ],
        { cwd: task, encoding: 'utf8' },
      ),
    );
  const handlerMs = [];
  const emptyMs = [];
  importMs(join(task, 'handler.mjs')); // warm the page cache once
  const load = loadavg()[0];
  for (let i = 0; i < initRuns; i++) {
    emptyMs.push(importMs(join(task, 'empty.mjs')));
    handlerMs.push(importMs(join(task, 'handler.mjs')));
  }
  // process start to the end of import, the part of a cold start the bundle adds to node's own
  const wallMs = (file) => {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(file).href)});`], { cwd: task });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const handlerWall = [];
  const emptyWall = [];
  for (let i = 0; i < initRuns; i++) {
    emptyWall.push(wallMs(join(task, 'empty.mjs')));
    handlerWall.push(wallMs(join(task, 'handler.mjs')));
  }

  // 3. peak RSS of a full run on the Backend.AI example (snapshot registry, file written in place)
  const runner = join(work, 'run-once.mjs');
  writeFileSync(
    runner,
    `const { handler } = await import(${JSON.stringify(pathToFileURL(join(task, 'handler.mjs')).href)});
const t = performance.now();
const result = await handler({}, { getRemainingTimeInMillis: () => 300000 });
const ms = performance.now() - t;
console.log('@@bench ' + JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, ms, changes: result.changes.length, changed: result.changed }));
`,
  );
  const runs = [];
  for (let i = 0; i < rssRuns; i++) {
    const ws = join(work, `ws-${i}`);
    cpSync(join(root, 'examples/backend.ai'), ws, { recursive: true });
    const scratch = join(work, `tmp-${i}`);
    mkdirSync(scratch);
    const out = execFileSync(process.execPath, [runner], {
      cwd: ws,
      env: { PATH: process.env.PATH, TMPDIR: scratch, IMGSYNC_CONFIG_FILE: join(ws, 'imgsync.config.yaml') },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = out.split('\n').find((l) => l.startsWith('@@bench '));
    runs.push(JSON.parse(line.slice('@@bench '.length)));
  }
  const baselineRssKb = Number(execFileSync(process.execPath, ['-e', 'console.log(process.resourceUsage().maxRSS)'], { encoding: 'utf8' }));

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const r = {
    zipBytes,
    bundleBytes,
    initMs: median(handlerMs.map((x) => x.wall)),
    initCpuMs: median(handlerMs.map((x) => x.cpu)),
    emptyInitMs: median(emptyMs.map((x) => x.wall)),
    emptyInitCpuMs: median(emptyMs.map((x) => x.cpu)),
    wallMs: median(handlerWall),
    emptyWallMs: median(emptyWall),
    rssMb: median(runs.map((x) => x.maxRssKb)) / 1024,
    rssMaxMb: Math.max(...runs.map((x) => x.maxRssKb)) / 1024,
    baselineRssMb: baselineRssKb / 1024,
    runMs: median(runs.map((x) => x.ms)),
    changes: runs[0].changes,
  };
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const ok = (pass) => (pass ? 'met' : '**missed**');
  const body = `
\`pnpm --filter @imgsync/lambda build && node bench/lambda/run.mjs\` (env \`BENCH_LAMBDA_INIT_RUNS\`, \`BENCH_LAMBDA_RSS_RUNS\`).
The built \`handler.mjs\` is copied alone into a temp directory and loaded by fresh \`node\` processes.
Node ${process.version}, ${availableParallelism()} cores, load average ${load.toFixed(1)} when the init runs started, ${new Date().toISOString().slice(0, 10)}.

| measure | value | target | |
| --- | ---: | ---: | --- |
| zip (\`dist/handler.zip\`, deflate 9) | ${kib(r.zipBytes)} | ≤ 1024 KiB | ${ok(r.zipBytes <= TARGET.zipBytes)} |
| bundle (\`dist/handler.mjs\`, minified) | ${kib(r.bundleBytes)} | | |
| module init: \`await import('handler.mjs')\`, median of ${initRuns} fresh processes, wall | ${r.initMs.toFixed(1)} ms | ≤ 150 ms | ${ok(r.initMs <= TARGET.initMs)} |
| same, CPU time (user + system) | ${r.initCpuMs.toFixed(1)} ms | | |
| same for an empty ES module (baseline, same run), wall / CPU | ${r.emptyInitMs.toFixed(1)} ms / ${r.emptyInitCpuMs.toFixed(1)} ms | | |
| process start to end of import, handler / empty module | ${r.wallMs.toFixed(0)} ms / ${r.emptyWallMs.toFixed(0)} ms | | |
| peak RSS, full run on examples/backend.ai (${r.changes} changes, snapshot registry), median of ${rssRuns} | ${r.rssMb.toFixed(1)} MiB (max ${r.rssMaxMb.toFixed(1)}) | ≤ 128 MB | ${ok(r.rssMb * 1.048576 <= TARGET.rssMb)} |
| peak RSS of \`node -e\` doing nothing (baseline) | ${r.baselineRssMb.toFixed(1)} MiB | | |
| handler run time on that example (warm process) | ${r.runMs.toFixed(0)} ms | | |

Module init is the import of the bundle with Node's own start-up subtracted out by
measuring inside the process (\`performance.now()\` around \`import()\`); the empty-module row is
the floor that the loader costs anyway. The example run reads the snapshot file instead of
a registry, so its RSS is the engine's (YAML editor, formats, git-less file write), not
network buffers'. A Lambda run with \`git.url\` adds an in-memory shallow clone; see the git
section for its size on a 5,000-commit repository (~200 KiB transferred).

Module init is close to its target on this machine and moves with its load (120-220 ms
wall across runs at load averages of 3-5 on 2 cores; the CPU-time row is steadier).
It is spent evaluating the bundled dependencies at import, mostly isomorphic-git, yaml,
fast-glob and Octokit. Deferring them with \`import()\` would only move the cost into the
first invocation (and Lambda's init phase runs with boosted CPU), except where a run never
needs them: Octokit is used only by \`git.mode: pull-request\`, fast-glob only without
\`git.url\`.

What the bundle is made of (esbuild metafile, bytes in the minified output):

| package | KiB |
| --- | ---: |
${heaviest.map(([name, bytes]) => `| ${name} | ${(bytes / 1024).toFixed(1)} |`).join('\n')}
`;
  console.log(body);
  if (process.env.BENCH_LAMBDA_WRITE !== '0') updateResults('lambda', body);
} finally {
  rmSync(work, { recursive: true, force: true });
}
