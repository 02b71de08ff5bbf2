// Bundles bench/git/bench.ts (history: library source + test servers) and bench/git/memory.ts
// (peak RSS of the built CLI, clone vs GitHub API) with esbuild, found through tsup, into
// temp files and runs them: no extra dependency needed (memory.ts needs `pnpm build`).
// Usage: node bench/git/run.mjs   (env: BENCH_GIT_COMMITS=5000 BENCH_GIT_RUNS=3
//        BENCH_GIT_MEMORY_RUNS=3 BENCH_GIT_BIG_MB=150 BENCH_GIT_ONLY=history|memory)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const esbuild = createRequire(require.resolve('tsup'))('esbuild');
const out = mkdtempSync(join(tmpdir(), 'imgsync-bench-bundle-'));
const only = process.env.BENCH_GIT_ONLY;
const parts = ['bench', 'memory'].filter((name) => !only || only === (name === 'bench' ? 'history' : name));
try {
  for (const part of parts) await runPart(part);
} finally {
  rmSync(out, { recursive: true, force: true });
}

async function runPart(part) {
  const outfile = join(out, `${part}.mjs`);
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL(`./${part}.ts`, import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  await import(pathToFileURL(outfile).href);
}
