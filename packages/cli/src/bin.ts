#!/usr/bin/env node
import { main } from './main.js';

process.exitCode = await main({
  argv: process.argv,
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
});
