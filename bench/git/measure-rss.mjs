// Preloaded into a measured `imgsync` process (`node --import measure-rss.mjs bin.js …`): at
// exit, writes its peak RSS as JSON to the file named by BENCH_MEASURE_OUT.
//
// Peak RSS is /proc/self/status VmHWM, the high-water mark of this process image's own
// memory. `process.resourceUsage().maxRSS` (getrusage) is not: Linux keeps it across
// execve, and a spawned child starts as a fork of its parent, so a child spawned by a parent
// holding 300 MB reports at least 300 MB whatever it does itself. (Elsewhere, without
// /proc, maxRSS is reported, with that caveat.)
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.BENCH_MEASURE_OUT;
process.on('exit', () => {
  if (!out) return;
  let hwmKiB;
  try {
    hwmKiB = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  } catch {
    hwmKiB = undefined;
  }
  const maxRss = process.resourceUsage().maxRSS;
  writeFileSync(out, JSON.stringify({ maxRssKiB: hwmKiB || maxRss, getrusageMaxRssKiB: maxRss, source: hwmKiB ? 'VmHWM' : 'getrusage' }));
});
