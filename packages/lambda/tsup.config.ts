import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { handler: 'src/handler.ts' },
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  outExtension: () => ({ js: '.mjs' }),
  bundle: true,
  noExternal: [/.*/],
  external: [/^@aws-sdk\//],
  minify: true,
  sourcemap: false,
  clean: true,
});
