/**
 * Registry benchmark, over HTTP and HTTPS (the real `docker-registry`, the same storage
 * served twice, the second time with a certificate made by `openssl`). Run with
 * `node bench/registry/run.mjs` (env BENCH_REGISTRY_RUNS, default 3; BENCH_REGISTRY_SIZES,
 * default 10,100,500). Two parts, each run BENCH_REGISTRY_RUNS times, reported as
 * median (min–max):
 *
 * 1. Latency: 500 tags (25 repositories x 20) resolved by the client in-process, through
 *    a proxy in its own process adding a 50 ms round trip (TCP-level, so a new TLS
 *    connection pays its handshake), against the latency-bound ideal
 *    requests / concurrency x 50 ms. Cold cache, warm cache, and warm cache over Node's
 *    fetch without the keep-alive dispatcher (what imgsync did before).
 * 2. Scale: `imgsync check` (the built CLI, a child process) on a Backend.AI file of N
 *    repositories x 20 tags, no drift, warm digest cache, no added latency: wall, CPU,
 *    peak RSS, requests and the TCP connections the process opened. Twice: with Node's
 *    default heap sizing on this machine, and with the heap flags a 128 MB Lambda function
 *    runs under (see LAMBDA_128).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRegistryClient, memoryManifestCache, type FetchLike, type ManifestCache } from '../../packages/core/src/registry/index.js';
import { startRegistry, type RunningRegistry } from '@imgsync/test-helpers/registry/registry-server.js';
import { machine, summarize, updateResults, withRange } from '../results.mjs';
import { eachLimited, seedRepository, type SeededTag } from './seed.js';

const RUNS = Number(process.env.BENCH_REGISTRY_RUNS ?? 3);
const SIZES = (process.env.BENCH_REGISTRY_SIZES ?? '10,100,500').split(',').map(Number);
const TAGS = 20;
const LATENCY_REPOSITORIES = 25;
const RTT_MS = 50;
const CONCURRENCY = 8;
const IDEAL_TARGET = 1.2;
const RSS_TARGET_MIB = 128;
const GROWTH_TARGET_KIB = 5;

/**
 * V8 sizes its heap from the machine's memory: on this one (23.5 GiB) it takes 16 MiB
 * semi-spaces (a 32 MiB young generation) and lets the old generation grow 4x between full
 * collections. In Lambda the runtime's bootstrap passes flags derived from the function's
 * memory instead: new space = memory / 10, semi-space = new space / 2, old space = memory -
 * new space. For the smallest size, 128 MB:
 */
const LAMBDA_128 = ['--max-semi-space-size=6', '--max-old-space-size=116'];
const HEAPS: Array<{ name: string; nodeOptions: string[] }> = [
  { name: 'default', nodeOptions: [] },
  { name: 'Lambda 128 MB', nodeOptions: LAMBDA_128 },
];

const root = process.cwd();
const cliBin = join(root, 'packages/cli/dist/bin.js');
const measureChild = join(root, 'bench/registry/measure-child.mjs');

type Summary = ReturnType<typeof summarize>;

async function main(): Promise<void> {
  const certPath = process.env.BENCH_TLS_CERT;
  const keyPath = process.env.BENCH_TLS_KEY;
  if (!certPath || !keyPath) throw new Error('run through bench/registry/run.mjs, which makes the TLS certificate');
  const startLoad = loadavg()[0]!;
  const http = await startRegistry();
  const work = mkdtempSync(join(tmpdir(), 'imgsync-bench-registry-'));
  let https: RunningRegistry | undefined;
  try {
    const repositories = Math.max(...SIZES, LATENCY_REPOSITORIES);
    const names = Array.from({ length: repositories }, (_, i) => `k${String(i).padStart(4, '0')}`);
    const tags = Array.from({ length: TAGS }, (_, t) => `1.${t}.0`);
    const seeded = new Map<string, SeededTag[]>();
    const seedStart = performance.now();
    await eachLimited(names, 16, async (name) => void seeded.set(name, await seedRepository(http.url, `bench/kernel-${name}`, tags)));
    console.log(`seeded ${repositories * TAGS} images in ${Math.round(performance.now() - seedStart)} ms`);
    https = await startRegistry({ tls: { certPath, keyPath }, storageDir: http.storageDir });

    const latency = [];
    for (const registry of [http, https]) latency.push(await latencyRuns(registry, names.slice(0, LATENCY_REPOSITORIES)));
    const scale = [];
    for (const registry of [http, https]) scale.push(await scaleRuns(registry, names, seeded, work));
    const baseline = await baselineRss();
    writeResults(latency, scale, baseline, startLoad);
  } finally {
    await https?.stop();
    await http.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- 1. latency --------------------------------------------------------------------------

interface LatencyRow {
  name: string;
  wall: Summary;
  ratio: Summary;
  requests: number;
  connections: Summary;
}

async function latencyRuns(registry: RunningRegistry, names: string[]): Promise<{ scheme: string; rows: LatencyRow[] }> {
  const proxy = await startLatencyProxy(registry.url);
  const plainFetch: FetchLike = (input, init) => fetch(input, init);
  try {
    const shared = memoryManifestCache();
    const runs = { cold: [] as Run[], warm: [] as Run[], plain: [] as Run[] };
    for (let r = 0; r < RUNS; r++) {
      const cache = memoryManifestCache();
      runs.cold.push(await resolveAll(proxy, names, cache));
      runs.warm.push(await resolveAll(proxy, names, cache));
      if (r === 0) await resolveAll(proxy, names, shared);
      runs.plain.push(await resolveAll(proxy, names, shared, plainFetch));
    }
    const row = (name: string, list: Run[]): LatencyRow => ({
      name,
      wall: summarize(list.map((x) => x.wallMs)),
      ratio: summarize(list.map((x) => x.wallMs / ((x.requests / CONCURRENCY) * RTT_MS))),
      requests: list[0]!.requests,
      connections: summarize(list.map((x) => x.connections)),
    });
    return {
      scheme: new URL(registry.url).protocol.replace(':', '').toUpperCase(),
      rows: [
        row('cold cache (HEAD, then GET by digest)', runs.cold),
        row('warm cache (no change: HEADs only)', runs.warm),
        row('warm cache, Node fetch without the keep-alive dispatcher (before)', runs.plain),
      ],
    };
  } finally {
    await proxy.stop();
  }
}

interface Run {
  wallMs: number;
  requests: number;
  connections: number;
}

async function resolveAll(proxy: LatencyProxy, names: string[], cache: ManifestCache, fetchImpl?: FetchLike): Promise<Run> {
  await proxy.count();
  const client = createRegistryClient({ registry: proxy.url, concurrency: CONCURRENCY, cache, ...(fetchImpl && { fetch: fetchImpl }) });
  const started = performance.now();
  let resolved = 0;
  await Promise.all(
    names.map(async (name) => {
      const repository = `bench/kernel-${name}`;
      const listed = await client.listTags(repository);
      await Promise.all(
        listed.tags.map(async ({ tag }) => {
          const result = await client.resolveTag(repository, tag);
          if (!result.imageId) throw new Error(`no image id for ${repository}:${tag}`);
          resolved++;
        }),
      );
    }),
  );
  const wallMs = performance.now() - started;
  if (resolved !== names.length * TAGS) throw new Error(`resolved ${resolved} of ${names.length * TAGS}`);
  return { wallMs, requests: client.stats().requests, connections: await proxy.count() };
}

interface LatencyProxy {
  url: string;
  count(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts latency-proxy.js (built beside this file) as a child process. */
async function startLatencyProxy(target: string): Promise<LatencyProxy> {
  const script = new URL('./latency-proxy.js', import.meta.url);
  const child = spawn(process.execPath, [script.pathname, target, String(RTT_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [url] = (await once(lines, 'line')) as [string];
  clearTimeout(timeout);
  return {
    url,
    async count() {
      child.stdin.write('count\n');
      const [line] = (await once(lines, 'line')) as [string];
      return (JSON.parse(line) as { accepted: number }).accepted;
    },
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---- 2. scale ----------------------------------------------------------------------------

interface CheckRun {
  wallMs: number;
  cpuMs: number;
  maxRssKiB: number;
  connections: number;
  requests: number;
}

interface ScaleRow {
  repositories: number;
  heap: string;
  runs: CheckRun[];
}

async function scaleRuns(registry: RunningRegistry, names: string[], seeded: Map<string, SeededTag[]>, work: string) {
  const scheme = new URL(registry.url).protocol.replace(':', '');
  const rows: ScaleRow[] = [];
  for (const size of SIZES) {
    const dir = join(work, `${scheme}-${size}`);
    mkdirSync(dir, { recursive: true });
    const lines = ['images:'];
    for (const name of names.slice(0, size)) {
      lines.push(`  - name: ${name}`, '    tags:');
      for (const s of seeded.get(name)!) lines.push(`      - ["${s.tag}", "${s.configDigest.slice(7, 19)}"]`);
    }
    writeFileSync(join(dir, 'image-metadata.yml'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'imgsync.config.yaml'),
      `targets:\n  - files: ["image-metadata.yml"]\n    format: backendai\n    registry: ${registry.url}\n    repository: bench/kernel-{name}\n    discover: off\n` +
        // loopback hosts get plain http unless told otherwise, as docker does
        (scheme === 'https' ? `registries:\n  "${registry.host}": { insecure: false }\n` : ''),
    );
    await check(dir); // warms the digest cache
    // the heap configurations interleaved, so that both see the same machine load
    const runs = new Map<string, CheckRun[]>(HEAPS.map((heap) => [heap.name, []]));
    for (let r = 0; r < RUNS; r++) for (const heap of HEAPS) runs.get(heap.name)!.push(await check(dir, heap.nodeOptions));
    for (const heap of HEAPS) {
      const list = runs.get(heap.name)!;
      console.log(
        `${scheme} ${size} repositories, ${heap.name} heap: ${list.map((x) => `${Math.round(x.wallMs)} ms ${Math.round(x.maxRssKiB / 1024)} MiB ${x.connections} conn`).join(', ')}`,
      );
      rows.push({ repositories: size, heap: heap.name, runs: list });
    }
  }
  return { scheme: scheme.toUpperCase(), rows };
}

/** One `imgsync check --json` in a child process, measured by measure-child.mjs. */
async function check(dir: string, nodeOptions: string[] = []): Promise<CheckRun> {
  const out = join(dir, 'measure.json');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeOptions, '--import', measureChild, cliBin, 'check', '--json', '--config', join(dir, 'imgsync.config.yaml'), '--cache', join(dir, 'cache.json')],
    { env: { ...process.env, BENCH_MEASURE_OUT: out }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const wallMs = performance.now() - started;
  const result = JSON.parse(stdout) as { drift: boolean; stats: { registries: Record<string, { requests: number }> } };
  if (code !== 0 || result.drift) throw new Error(`check in ${dir} exited ${code} (drift ${result.drift})`);
  const measured = JSON.parse(readFileSync(out, 'utf8')) as { maxRssKiB: number; cpuMs: number; connections: number };
  const requests = Object.values(result.stats.registries).reduce((sum, s) => sum + s.requests, 0);
  return { wallMs, ...measured, requests };
}

/** Peak RSS of `node -e 0` with the same preload: what any Node process costs here. */
async function baselineRss(): Promise<Summary> {
  const values: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'imgsync-bench-node-'));
  try {
    for (let r = 0; r < RUNS; r++) {
      const out = join(dir, 'measure.json');
      const child = spawn(process.execPath, ['--import', measureChild, '-e', '0'], { env: { ...process.env, BENCH_MEASURE_OUT: out }, stdio: 'ignore' });
      await once(child, 'exit');
      values.push((JSON.parse(readFileSync(out, 'utf8')) as { maxRssKiB: number }).maxRssKiB);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return summarize(values);
}

// ---- results -----------------------------------------------------------------------------

const ms = (x: number) => `${Math.round(x)}`;
const s1 = (x: number) => (x / 1000).toFixed(1);
const x2 = (x: number) => `${x.toFixed(2)}×`;
const mib = (kib: number) => `${Math.round(kib / 1024)}`;
const n0 = (x: number) => `${Math.round(x)}`;

function writeResults(
  latency: Array<{ scheme: string; rows: LatencyRow[] }>,
  scale: Array<{ scheme: string; rows: ScaleRow[] }>,
  baseline: Summary,
  startLoad: number,
): void {
  const out: string[] = [];
  out.push(
    '`node bench/registry/run.mjs` (`pnpm bench` runs it; env `BENCH_REGISTRY_RUNS`, `BENCH_REGISTRY_SIZES`). The real',
    '`docker-registry` on 127.0.0.1, serving the same storage twice: over HTTP, and over HTTPS with a certificate made by',
    `\`openssl\`. Every figure is the median of ${RUNS} runs (min–max). ${machine_}; load average ${startLoad.toFixed(2)} when it started,`,
    `${new Date().toISOString().slice(0, 10)}.`,
    '',
    `### Latency: ${LATENCY_REPOSITORIES * TAGS} tags (${LATENCY_REPOSITORIES} repositories × ${TAGS}), concurrency ${CONCURRENCY}, ${RTT_MS} ms round trip`,
    '',
    `Each tag resolved to manifest digest and image id by the client in-process, through a proxy in its own process that`,
    `delays every TCP chunk by ${RTT_MS / 2} ms each way (so a new TLS connection pays its handshake). Ideal = requests /`,
    `${CONCURRENCY} × ${RTT_MS} ms; connections = TCP connections the proxy accepted.`,
    '',
    '| protocol | run | wall ms | requests | connections | wall / ideal | ≤ 1.2× in every run |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- |',
  );
  for (const { scheme, rows } of latency) {
    for (const [i, r] of rows.entries()) {
      const target = i < 2 ? (r.ratio.max <= IDEAL_TARGET ? 'yes' : `**no** (max ${x2(r.ratio.max)})`) : '(not a target)';
      out.push(
        `| ${scheme} | ${r.name} | ${withRange(r.wall, ms)} | ${r.requests} | ${withRange(r.connections, n0)} | ${withRange(r.ratio, x2)} | ${target} |`,
      );
    }
  }
  out.push(
    '',
    `### Scale: \`imgsync check\` on N repositories × ${TAGS} tags, no drift, warm digest cache, no added latency`,
    '',
    'The built CLI in a child process (Backend.AI file, `discover: off`); peak RSS, CPU time and the TCP connections',
    'the process opened are read inside it (`measure-child.mjs`: `process.resourceUsage()`, the `net.client.socket`',
    `channel and \`tls.connect\`). Baseline, same run: \`node -e 0\` peaks at ${withRange(baseline, mib)} MiB. Heap: *default* is the`,
    'sizing V8 picks on this machine (16 MiB semi-spaces, old generation growing up to 4x between full collections);',
    `*Lambda 128 MB* runs with the flags Lambda's Node.js runtime passes to a 128 MB function (\`${LAMBDA_128.join(' ')}\`:`,
    'new space = memory / 10, semi-space = half of it, old space = the rest), interleaved with the default runs.',
    '',
    '| protocol | heap | repositories | tags | wall s | CPU s | peak RSS MiB | requests | connections |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const derived: string[] = [];
  for (const { scheme, rows } of scale) {
    for (const heap of HEAPS) {
      for (const row of rows.filter((r) => r.heap === heap.name)) {
        const pick = (f: (run: CheckRun) => number) => summarize(row.runs.map(f));
        out.push(
          `| ${scheme} | ${heap.name} | ${row.repositories} | ${row.repositories * TAGS} | ${withRange(
            pick((r) => r.wallMs),
            s1,
          )} | ${withRange(
            pick((r) => r.cpuMs),
            s1,
          )} | ` +
            `${withRange(
              pick((r) => r.maxRssKiB),
              mib,
            )} | ${withRange(
              pick((r) => r.requests),
              n0,
            )} | ${withRange(
              pick((r) => r.connections),
              n0,
            )} |`,
        );
      }
    }
  }
  for (const { scheme, rows } of scale) {
    for (const heap of HEAPS) {
      const mine = rows.filter((r) => r.heap === heap.name);
      const first = mine[0]!;
      const last = mine[mine.length - 1]!;
      const tags = (last.repositories - first.repositories) * TAGS;
      const per = (f: (run: CheckRun) => number, scaleBy: number) => summarize(last.runs.map((run, i) => ((f(run) - f(first.runs[i]!)) / tags) * scaleBy));
      const growth = per((r) => r.maxRssKiB, 1);
      const peak = summarize(last.runs.map((r) => r.maxRssKiB / 1024));
      derived.push(
        `- ${scheme}, ${heap.name} heap, from ${first.repositories} to ${last.repositories} repositories: per 1,000 tags ${withRange(
          per((r) => r.wallMs, 1000),
          s1,
        )} s wall, ` +
          `${withRange(
            per((r) => r.cpuMs, 1000),
            s1,
          )} s CPU, ${withRange(
            per((r) => r.maxRssKiB, 1000 / 1024),
            (x) => x.toFixed(1),
          )} MiB peak RSS ` +
          `(${withRange(growth, (x) => x.toFixed(1))} KiB per tag: target ≤ ${GROWTH_TARGET_KIB} KiB, ${growth.max <= GROWTH_TARGET_KIB ? 'held in every run' : `**missed** (${growth.min <= GROWTH_TARGET_KIB ? 'not in every run' : 'in every run'})`}); ` +
          `peak RSS at ${last.repositories} repositories ${withRange(peak, n0)} MiB (target ≤ ${RSS_TARGET_MIB} MiB: ${peak.max <= RSS_TARGET_MIB ? 'held in every run' : `**missed**${peak.min <= RSS_TARGET_MIB ? ' in some runs' : ''}`}); ` +
          `connections ${withRange(summarize(last.runs.map((r) => r.connections)), n0)} for ${withRange(summarize(last.runs.map((r) => r.requests)), n0)} requests.`,
      );
    }
  }
  out.push('', ...derived, '');
  const text = out.join('\n').replace(machine_, machineLine);
  updateResults('registry', text);
  console.log(text);
}

const machine_ = '@@machine@@';
let machineLine = '';

machineLine = (await machine()).replace(/, load average.*$/, '');
await main();
