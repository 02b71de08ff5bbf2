// Start-up benchmark: `imgsync --version` against `node -e 0` (the floor: Node's own start),
// and what importing @imgsync/core costs, in fresh processes, interleaved so that both
// see the same machine load. Also counts the modules `--version` and a `check` without
// `git:` load (ES modules, through a module hook), and whether any is git code.
//
//   pnpm build && node bench/startup/run.mjs      (env BENCH_STARTUP_RUNS, default 21)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine, summarize, updateResults, withRange } from '../results.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const core = pathToFileURL(join(root, 'packages/core/dist/index.js')).href;
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 21);
const TARGET = 2;

const wall = (args) => {
  const t = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - t) / 1e6;
};

const load = loadavg()[0];
const node = [];
const version = [];
const importCore = [];
wall(['-e', '0']);
wall([bin, '--version']); // warm the page cache once
for (let i = 0; i < RUNS; i++) {
  node.push(wall(['-e', '0']));
  version.push(wall([bin, '--version']));
  importCore.push(wall(['--input-type=module', '-e', `await import(${JSON.stringify(core)})`]));
}
const ratios = version.map((v, i) => v / node[i]);

// modules loaded, recorded by a load hook
const work = mkdtempSync(join(tmpdir(), 'imgsync-bench-startup-'));
let modules;
try {
  writeFileSync(
    join(work, 'hooks.mjs'),
    "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) { appendFileSync(process.env.LOAD_LOG, url + '\\n'); return next(url, context); }\n",
  );
  writeFileSync(join(work, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
  const loaded = (args, name) => {
    const log = join(work, `${name}.log`);
    writeFileSync(log, '');
    try {
      execFileSync(process.execPath, ['--import', join(work, 'register.mjs'), bin, ...args], {
        cwd: root,
        stdio: 'ignore',
        env: { ...process.env, LOAD_LOG: log },
      });
    } catch {
      // `check` exits 1 on the example's drift
    }
    const urls = readFileSync(log, 'utf8')
      .split('\n')
      .filter((u) => u && !u.startsWith('node:'));
    return { count: urls.length, git: urls.filter((u) => /isomorphic-git|@octokit|\/core\/dist\/operations-/.test(u)).length };
  };
  modules = {
    version: loaded(['--version'], 'version'),
    check: loaded(['check', '--config', 'examples/backend.ai/imgsync.config.yaml', '--no-cache'], 'check'),
  };
} finally {
  rmSync(work, { recursive: true, force: true });
}

const r = { node: summarize(node), version: summarize(version), importCore: summarize(importCore), ratio: summarize(ratios) };
const within = ratios.filter((x) => x <= TARGET).length;
const ms = (x) => x.toFixed(0);
const body = `
\`node bench/startup/run.mjs\` (env \`BENCH_STARTUP_RUNS\`). Fresh processes, ${RUNS} of each, interleaved; wall time from
spawn to exit. Median (min–max). ${await machine()} (${load.toFixed(2)} when it started), ${new Date().toISOString().slice(0, 10)}.

| measure | wall ms | vs \`node -e 0\` |
| --- | ---: | ---: |
| \`node -e 0\` (baseline, same run) | ${withRange(r.node, ms)} | 1 |
| \`imgsync --version\` | ${withRange(r.version, ms)} | ${withRange(r.ratio, (x) => `${x.toFixed(2)}×`)} |
| \`import('@imgsync/core')\` in a fresh process | ${withRange(r.importCore, ms)} | |

Target: \`--version\` within ${TARGET}× of \`node -e 0\`: ${r.ratio.median <= TARGET ? 'met by the median' : '**missed** by the median'}, ${within === RUNS ? 'held in every run' : `held in ${within} of ${RUNS} runs`}.
ES modules loaded: \`--version\` ${modules.version.count} (git code: ${modules.version.git}); \`check\` of the bundled example
(no \`git:\`) ${modules.check.count} (git code: ${modules.check.git}). CommonJS files that those require are not counted.
`;
updateResults('startup', body);
console.log(body);
