import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { handler: 'src/handler.ts', action: 'src/action.ts' },
  format: ['esm'],
  // Lambda's nodejs22.x runtime and the Action's node20 runner both run it.
  target: 'node20',
  platform: 'node',
  outExtension: () => ({ js: '.mjs' }),
  bundle: true,
  noExternal: [/.*/],
  // In the Lambda runtime; imported lazily, only when a secret is configured.
  external: [/^@aws-sdk\//],
  minify: true,
  sourcemap: false,
  splitting: false,
  clean: true,
  metafile: true,
  // Bundled CommonJS dependencies call require() for Node built-ins; an ES module has none.
  banner: { js: "import { createRequire as __imgsyncRequire } from 'node:module'; const require = __imgsyncRequire(import.meta.url);" },
  onSuccess: 'node scripts/zip.mjs',
});
