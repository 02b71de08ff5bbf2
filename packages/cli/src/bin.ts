#!/usr/bin/env node
import { supportsColor } from 'chalk';
import { main } from './main.js';

process.exitCode = await main({
  argv: process.argv,
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  // chalk's own detection for stdout (supports-color): a terminal, TERM (dumb has none), CI
  colorLevel: supportsColor ? supportsColor.level : 0,
});
