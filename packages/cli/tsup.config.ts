import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bin.ts', 'src/index.ts'],
  // `import { main } from '@imgsync/cli'` is typed (the package's exports name the declarations)
  dts: { entry: 'src/index.ts' },
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
});
