// Builds bench/registry/bench.ts into .bench-tmp/ with tsup (everything bundled, so no
// workspace package resolution is needed) and runs it: `node bench/registry/run.mjs`.
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const root = fileURLToPath(new URL('../../', import.meta.url));
process.chdir(root);
await build({
  entry: { registry: 'bench/registry/bench.ts', 'latency-proxy': 'bench/registry/latency-proxy.ts' },
  outDir: '.bench-tmp',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  noExternal: [/.*/],
  splitting: false,
  clean: false,
  silent: true,
  dts: false,
  config: false,
  // CommonJS dependencies bundled into ESM need a real `require`.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
await import(new URL('../../.bench-tmp/registry.js', import.meta.url).href);
