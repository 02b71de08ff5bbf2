/**
 * Peak memory of a git-mode run against the size of the repository (issue 14, item 4): the
 * built CLI (`imgsync update`, a child process, peak RSS its own VmHWM: see measure-rss.mjs)
 * updates Backend.AI's `image-metadata.yml` (the example's file and registry snapshot) in
 * a repository that also holds a file the run never touches (150 MB of random bytes by
 * default), delivered two ways:
 *
 * - `clone`: a shallow clone with isomorphic-git from the tests' real `git http-backend`;
 * - `github-api`: the GitHub REST API's git data endpoints, from the stand-in backed by
 *   the same bare repository.
 *
 * Baseline, in the same run: the same update in the same repository without the big file.
 * Each cell is the median of BENCH_GIT_MEMORY_RUNS runs (default 3), the runs of the four
 * cells interleaved; the branch is reset to the initial commit before each run, so every
 * run makes the same commit. Run with `node bench/git/run.mjs` (after `pnpm build`).
 */
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubStandIn } from '@imgsync/test-helpers/git/github-api-stand-in.js';
import { startGitServer } from '@imgsync/test-helpers/git/git-http-server.js';
import { machine, summarize, updateResults, withRange } from '../results.mjs';

const RUNS = Number(process.env.BENCH_GIT_MEMORY_RUNS ?? 3);
const BIG_MB = Number(process.env.BENCH_GIT_BIG_MB ?? 150);
const token = 'bench-token-0123456789abcdef';
const root = process.cwd();
const cliBin = join(root, 'packages/cli/dist/bin.js');
const measureChild = join(root, 'bench/git/measure-rss.mjs');
const example = join(root, 'examples/backend.ai');
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.test',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.test',
};

type Transport = 'clone' | 'github-api';
interface Run {
  maxRssKiB: number;
  /** What getrusage says (for the log: it includes the parent's RSS at fork time). */
  getrusageMaxRssKiB: number;
  wallMs: number;
}

/** `<gitRoot>/bench/<name>.git` with the example's file (and, with `bigBytes`, `data/untouched.bin`); returns its initial commit. */
function makeRepo(gitRoot: string, name: string, bigBytes: number): string {
  const bare = join(gitRoot, 'bench', `${name}.git`);
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  execFileSync('git', ['-C', bare, 'config', 'http.receivepack', 'true']);
  const work = mkdtempSync(join(tmpdir(), 'imgsync-bench-repo-'));
  try {
    execFileSync('git', ['init', '--quiet', '--initial-branch=main', work]);
    copyFileSync(join(example, 'image-metadata.yml'), join(work, 'image-metadata.yml'));
    if (bigBytes) {
      mkdirSync(join(work, 'data'));
      const fd = openSync(join(work, 'data', 'untouched.bin'), 'w');
      for (let left = bigBytes; left > 0; left -= 1 << 20) writeSync(fd, randomBytes(Math.min(left, 1 << 20)));
      closeSync(fd);
    }
    // random bytes do not compress: store them as they are (faster, same size)
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'core.compression=0', '-c', 'pack.compression=0', '-C', work, ...args], { env: gitEnv, stdio: 'ignore' });
    git('add', '-A');
    git('commit', '--quiet', '-m', 'initial');
    git('push', '--quiet', bare, 'main');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return execFileSync('git', ['-C', bare, 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
}

/** One `imgsync update` in a child process; the branch must have moved by one commit. */
async function update(configPath: string, sandbox: string, bare: string, initial: string): Promise<Run> {
  execFileSync('git', ['-C', bare, 'update-ref', 'refs/heads/main', initial]);
  const out = join(sandbox, 'measure.json');
  const tmp = join(sandbox, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', measureChild, cliBin, 'update', '--config', configPath, '--no-cache'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: sandbox, TMPDIR: tmp, IMGSYNC_GIT_TOKEN: token, BENCH_MEASURE_OUT: out },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const wallMs = performance.now() - started;
  const parent = execFileSync('git', ['-C', bare, 'rev-parse', 'main~1'], { encoding: 'utf8' }).trim();
  if (code !== 0 || parent !== initial) throw new Error(`imgsync update ${configPath} exited ${code}, main~1 ${parent}: ${stderr}`);
  const measured = JSON.parse(readFileSync(out, 'utf8')) as { maxRssKiB: number; getrusageMaxRssKiB: number };
  rmSync(out);
  return { wallMs, ...measured };
}

async function main() {
  if (!existsSync(cliBin)) throw new Error('packages/cli/dist/bin.js is missing: run pnpm build first');
  const gitRoot = mkdtempSync(join(tmpdir(), 'imgsync-bench-gitmem-'));
  const sandbox = mkdtempSync(join(tmpdir(), 'imgsync-bench-gitmem-run-'));
  const server = await startGitServer({ root: gitRoot, token });
  const github = await startGitHubStandIn({ token, prefix: '/api/v3', gitRoot });
  try {
    let t = performance.now();
    const repos = { small: { bytes: 0 }, big: { bytes: BIG_MB * 1_000_000 } };
    const initial: Record<string, string> = {};
    for (const [name, { bytes }] of Object.entries(repos)) initial[name] = makeRepo(gitRoot, name, bytes);
    const editedBytes = statSync(join(example, 'image-metadata.yml')).size;
    console.log(`repositories made in ${((performance.now() - t) / 1000).toFixed(1)} s; edited file ${editedBytes} bytes, untouched file ${BIG_MB} MB`);
    copyFileSync(join(example, 'registry-snapshot.json'), join(sandbox, 'registry-snapshot.json'));
    const configOf = (transport: Transport, name: string) => {
      const path = join(sandbox, `${transport}-${name}.imgsync.config.yaml`);
      const git =
        transport === 'clone'
          ? [`  url: ${server.url(`bench/${name}`)}`, '  transport: clone']
          : [`  url: ${github.repoUrl(`bench/${name}`)}`, '  transport: github-api', `  githubApiUrl: ${github.baseUrl}`];
      writeFileSync(
        path,
        [
          'targets:',
          '  - files: ["image-metadata.yml"]',
          '    format: backendai',
          '    registry: file:registry-snapshot.json',
          '    repository: lablup/kernel-{name}',
          "    tags: { include: '^\\d', exclude: ['-rc\\d*$'] }",
          '    digest: image-id-12',
          'git:',
          '  branch: main',
          '  token: env:IMGSYNC_GIT_TOKEN',
          ...git,
          '',
        ].join('\n'),
      );
      return path;
    };
    const cells: [Transport, 'small' | 'big'][] = [
      ['clone', 'small'],
      ['github-api', 'small'],
      ['clone', 'big'],
      ['github-api', 'big'],
    ];
    const runs = new Map<string, Run[]>(cells.map(([transport, name]) => [`${transport}/${name}`, []]));
    const startLoad = loadavg()[0]!;
    t = performance.now();
    for (let r = 0; r < RUNS; r++) {
      for (const [transport, name] of cells) {
        const run = await update(configOf(transport, name), sandbox, join(gitRoot, 'bench', `${name}.git`), initial[name]!);
        runs.get(`${transport}/${name}`)!.push(run);
        console.log(
          `${transport} ${name}: ${Math.round(run.maxRssKiB / 1024)} MiB peak RSS (getrusage: ${Math.round(run.getrusageMaxRssKiB / 1024)}), ${(run.wallMs / 1000).toFixed(2)} s`,
        );
      }
    }
    console.log(`measured in ${((performance.now() - t) / 1000).toFixed(0)} s`);

    const mib = (kib: number) => (kib / 1024).toFixed(0);
    const signed = (kib: number) => `${kib < 0 ? '−' : '+'}${mib(Math.abs(kib))}`;
    const rss = (key: string) => summarize(runs.get(key)!.map((x) => x.maxRssKiB));
    const wall = (key: string) => summarize(runs.get(key)!.map((x) => x.wallMs));
    const ratio = (transport: Transport) => {
      const big = runs.get(`${transport}/big`)!.map((x) => x.maxRssKiB);
      const small = runs.get(`${transport}/small`)!.map((x) => x.maxRssKiB);
      return summarize(big.map((b, i) => b / small[i]!));
    };
    const x2 = (x: number) => `${x.toFixed(2)}×`;
    const rows = (['clone', 'github-api'] as Transport[]).map(
      (transport) =>
        `| ${transport} | ${withRange(rss(`${transport}/small`), mib)} | ${withRange(rss(`${transport}/big`), mib)} | ${withRange(ratio(transport), x2)} | ${withRange(wall(`${transport}/small`), (x) => (x / 1000).toFixed(2))} | ${withRange(wall(`${transport}/big`), (x) => (x / 1000).toFixed(2))} |`,
    );
    const apiGrowth = rss('github-api/big').median - rss('github-api/small').median;
    const cloneGrowth = rss('clone/big').median - rss('clone/small').median;
    const held = runs.get('github-api/big')!.every((x, i) => x.maxRssKiB * 1024 <= 2 * editedBytes + runs.get('github-api/small')![i]!.maxRssKiB * 1024 * 1.1);
    updateResults(
      'git-memory',
      `
\`node bench/git/run.mjs\` (after \`pnpm build\`; env \`BENCH_GIT_MEMORY_RUNS\`, \`BENCH_GIT_BIG_MB\`; \`BENCH_GIT_ONLY=memory\` runs only this part). The built
CLI, a child process, runs \`imgsync update\` on Backend.AI's \`image-metadata.yml\` (${editedBytes} bytes, the example's file and
registry snapshot) in a repository that also holds a ${BIG_MB} MB file of random bytes the run never touches, and in the same
repository without it (the baseline). \`clone\`: shallow clone with isomorphic-git from the tests' real \`git http-backend\`;
\`github-api\`: the GitHub API stand-in (git data endpoints over the same kind of bare repository). Peak RSS is the
child's own high-water mark (\`VmHWM\`: getrusage's maxRSS would also count the bench process it was forked from). Every
run makes the same one commit (the branch is reset before each). Median of ${RUNS} runs (min–max), the four cells interleaved. ${await machine()} (${startLoad.toFixed(2)} when it started), ${new Date().toISOString().slice(0, 10)}.

| transport | peak RSS MiB, without the big file | peak RSS MiB, with ${BIG_MB} MB untouched | with / without | wall s, without | wall s, with |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

- The clone's peak grows with the repository: ${signed(cloneGrowth)} MiB (medians) for a file it never reads: a depth-1 clone still
  downloads, unpacks and indexes every blob of the snapshot.
- Through the API the run reads the tree listing and the one target blob: ${signed(apiGrowth)} MiB for the ${BIG_MB} MB file. Target
  "peak RSS within 2× of the bytes edited plus a constant" (the constant: the same run without the big file, +10 %):
  ${held ? 'held in every run' : '**missed**'}.
- The edit itself is small here; what a big target file costs (about 110 bytes of heap per byte while it is parsed) is in
  \`backendai-scale\`, and \`maxFileBytes\` bounds it.
`,
    );
  } finally {
    await github.stop();
    await server.stop();
    rmSync(gitRoot, { recursive: true, force: true });
    rmSync(sandbox, { recursive: true, force: true });
  }
}

await main();
