#!/usr/bin/env node
import { supportsColor } from 'chalk';
import { main } from './main.js';

// SIGINT / SIGTERM stop the run as its deadline would: work in flight ends, the temp clone
// is removed, nothing is pushed, exit 4. A second signal ends the process at once.
const stop = new AbortController();
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.once(name, () => {
    stop.abort(new Error(name));
    process.once(name, () => process.exit(name === 'SIGINT' ? 130 : 143));
  });
}

process.exitCode = await main({
  argv: process.argv,
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  // chalk's own detection for stdout (supports-color): a terminal, TERM (dumb has none), CI
  colorLevel: supportsColor ? supportsColor.level : 0,
  signal: stop.signal,
});
