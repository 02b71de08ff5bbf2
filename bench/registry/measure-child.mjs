// Preloaded into a measured `imgsync` process (`node --import measure-child.mjs bin.js …`):
// counts the TCP/TLS connections undici opens (its `undici:client:connected` diagnostics
// channel, which Node's own fetch publishes) and, at exit, writes peak RSS, CPU time and
// that count as JSON to the file named by BENCH_MEASURE_OUT.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

let connections = 0;
subscribe('undici:client:connected', () => connections++);
const out = process.env.BENCH_MEASURE_OUT;
process.on('exit', () => {
  if (!out) return;
  const usage = process.resourceUsage();
  writeFileSync(out, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, connections }));
});
