// Builds bench/registry/bench.ts into .bench-tmp/ with tsup (everything bundled, so no
// workspace package resolution is needed), makes a TLS certificate for 127.0.0.1 with
// openssl, and runs the bench in a child process that trusts it (NODE_EXTRA_CA_CERTS, read
// by Node at start-up; the `imgsync` processes it starts inherit it).
// Usage: pnpm build && node bench/registry/run.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const root = fileURLToPath(new URL('../../', import.meta.url));
process.chdir(root);
const out = join(root, '.bench-tmp');
mkdirSync(out, { recursive: true });
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
const cert = join(out, 'registry-cert.pem');
const key = join(out, 'registry-key.pem');
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ],
  { stdio: 'ignore' },
);
const run = spawnSync(process.execPath, [join(out, 'registry.js')], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: cert, BENCH_TLS_CERT: cert, BENCH_TLS_KEY: key },
});
process.exitCode = run.status ?? 1;
