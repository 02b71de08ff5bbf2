/**
 * Benchmark of git delivery on a repository with long history: ~5,000 commits and a few
 * MB of files, served by the tests' real `git http-backend` server on 127.0.0.1. Updates
 * one file three ways — full clone + push, shallow clone + push (the default), and the
 * pull-request mode (shallow clone, push `imgsync/<target>`, REST calls to the stand-in)
 * — and reports wall time and bytes on the wire (requests + responses, as the server saw
 * them). Run with `node bench/git/run.mjs`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneShallow, deliver, type EditFunction } from '../../packages/core/src/git/index.js';
import { startGitHubStandIn } from '../../packages/core/test/helpers/git/github-api-stand-in.js';
import { startGitServer } from '../../packages/core/test/helpers/git/git-http-server.js';

const COMMITS = Number(process.env.BENCH_GIT_COMMITS ?? 5000);
const FILES = 200;
const RUNS = Number(process.env.BENCH_GIT_RUNS ?? 3);
const token = 'bench-token-0123456789abcdef';
const author = { name: 'imgsync', email: 'imgsync@example.test' };

/** Builds `<root>/bench/history.git` with git fast-import: COMMITS commits over FILES files. */
function generateRepo(root: string): string {
  const bare = join(root, 'bench', 'history.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  execFileSync('git', ['-C', bare, 'config', 'http.receivepack', 'true']);
  const chunks: string[] = [];
  let seed = 1;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed);
  const fileText = (i: number, rev: number) => {
    const lines: string[] = [];
    for (let l = 0; l < 60; l++) lines.push(`${i}-${rev}-${l} ${random().toString(36)} ${random().toString(36)} ${random().toString(36)}`);
    return `${lines.join('\n')}\n`;
  };
  const blob = (path: string, text: string) => `M 100644 inline ${path}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  for (let c = 0; c < COMMITS; c++) {
    const message = `commit ${c}`;
    let body = `commit refs/heads/main\ncommitter Bench <bench@example.test> ${1_600_000_000 + c * 60} +0000\ndata ${message.length}\n${message}\n`;
    if (c === 0) {
      for (let i = 0; i < FILES; i++) body += blob(`data/file-${i}.txt`, fileText(i, 0));
      body += blob('image-metadata.yml', 'images:\n  - name: python\n    tags:\n      - ["3.6-ubuntu", "ca7b9f52b6c2"]\n');
    } else {
      const i = random() % FILES;
      body += blob(`data/file-${i}.txt`, fileText(i, c));
    }
    chunks.push(body);
  }
  execFileSync('git', ['-C', bare, 'fast-import', '--quiet'], { input: chunks.join(''), maxBuffer: 1 << 30 });
  execFileSync('git', ['-C', bare, 'repack', '-adq'], { stdio: 'ignore' });
  return bare;
}

function setId(id: string): EditFunction {
  return async (read) => {
    const text = (await read('image-metadata.yml'))!;
    const old = /"([0-9a-f]{12})"/.exec(text)![1]!;
    return {
      files: [{ path: 'image-metadata.yml', content: text.replace(old, id) }],
      changes: [{ file: 'image-metadata.yml', image: 'python', tag: '3.6-ubuntu', kind: 'updated', old, new: id }],
    };
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'imgsync-bench-git-'));
  const work = mkdtempSync(join(tmpdir(), 'imgsync-bench-work-'));
  const server = await startGitServer({ root, token });
  const github = await startGitHubStandIn({ token, prefix: '/api/v3' });
  try {
    let t = performance.now();
    const bare = generateRepo(root);
    const packBytes = Number(/size-pack: (\d+)/.exec(execFileSync('git', ['-C', bare, 'count-objects', '-v'], { encoding: 'utf8' }))![1]) * 1024;
    const commits = execFileSync('git', ['-C', bare, 'rev-list', '--count', 'main'], { encoding: 'utf8' }).trim();
    console.log(`repository: ${commits} commits, ${FILES + 1} files, pack ${(packBytes / 2 ** 20).toFixed(1)} MiB (generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

    let n = 0;
    const nextId = () => (++n).toString(16).padStart(12, '0');
    const url = server.url('bench/history');
    const variants: [string, () => Promise<unknown>][] = [
      [
        'full clone + push',
        async () => {
          const checkout = await cloneShallow({ url, token, depth: 0, io: { tmpDir: work } });
          try {
            return await deliver({ checkout, token, author, edit: setId(nextId()) });
          } finally {
            await checkout.close();
          }
        },
      ],
      ['shallow clone + push', () => deliver({ target: { url }, token, author, io: { tmpDir: work }, edit: setId(nextId()) })],
      [
        'pull-request mode',
        () =>
          deliver({
            target: { url },
            token,
            author,
            mode: 'pull-request',
            pullRequest: { name: 'bench', apiBaseUrl: github.baseUrl },
            io: { tmpDir: work },
            edit: setId(nextId()),
          }),
      ],
    ];
    console.log('\n| variant | wall time (median of %d) | bytes transferred | HTTP requests |', RUNS);
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, run] of variants) {
      const times: number[] = [];
      const bytes: number[] = [];
      let requests = 0;
      for (let r = 0; r < RUNS; r++) {
        server.resetTraffic();
        t = performance.now();
        await run();
        times.push(performance.now() - t);
        bytes.push(server.traffic.requestBytes + server.traffic.responseBytes);
        requests = server.traffic.requests;
      }
      const b = median(bytes);
      console.log(`| ${name} | ${(median(times) / 1000).toFixed(2)} s | ${b > 2 ** 20 ? `${(b / 2 ** 20).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`} | ${requests} git + PR API |`.replace(' git + PR API', name === 'pull-request mode' ? ' git (+2–3 REST)' : ''));
    }
  } finally {
    await server.stop();
    await github.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
