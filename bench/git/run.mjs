// Bundles bench/git/bench.ts (library source + test servers) with esbuild, found through
// tsup, into a temp file and runs it: no build step or extra dependency needed.
// Usage: node bench/git/run.mjs   (env: BENCH_GIT_COMMITS=5000 BENCH_GIT_RUNS=3)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(out, { recursive: true, force: true });
}
