// Bundles bench/deadline/bench.ts (library source + test servers) with esbuild, found through
// tsup, into a temp file and runs it: no build step or extra dependency needed.
// Usage: node bench/deadline/run.mjs   (env: BENCH_DEADLINE_MS=10000 BENCH_DEADLINE_RUNS=3, BENCH_DEADLINE_WRITE=0 to skip RESULTS.md)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { updateResults } from '../results.mjs';

const require = createRequire(import.meta.url);
const esbuild = createRequire(require.resolve('tsup'))('esbuild');
const out = mkdtempSync(join(tmpdir(), 'imgsync-bench-bundle-'));
const outfile = join(out, 'bench.mjs');
try {
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./bench.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const { main } = await import(pathToFileURL(outfile).href);
  const body = await main();
  if (process.env.BENCH_DEADLINE_WRITE !== '0') updateResults('deadline', body);
  console.log(`\n${body}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
