// Preloaded into a measured `imgsync` process (`node --import measure-child.mjs bin.js …`):
// counts the TCP/TLS connections it opens and, at exit, writes peak RSS, CPU time and that
// count as JSON to the file named by BENCH_MEASURE_OUT.
//
// Connections: node:http's (imgsync's default) are published on the `net.client.socket`
// diagnostics channel; node:https connects through `tls.connect`, which publishes nothing
// on Node 20, so it is counted by a wrapper; undici's (Node's fetch, used with a proxy
// agent) on `undici:client:connected`.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import tls from 'node:tls';

let connections = 0;
subscribe('net.client.socket', () => connections++);
subscribe('undici:client:connected', () => connections++);
const tlsConnect = tls.connect;
tls.connect = function countedConnect(...args) {
  connections++;
  return tlsConnect.apply(this, args);
};
const out = process.env.BENCH_MEASURE_OUT;
process.on('exit', () => {
  if (!out) return;
  const usage = process.resourceUsage();
  writeFileSync(out, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, connections }));
});
