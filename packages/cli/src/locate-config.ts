import { resolve } from 'node:path';
import { findConfigFile } from '@imgsync/core';
import { UsageError } from './exit-codes.js';

/** `--config`, or `imgsync.config.yaml` / `.yml` / `.json` in the working directory. */
export async function locateConfig(cwd: string, given: string | undefined): Promise<string> {
  if (given) return given;
  const found = await findConfigFile(cwd);
  if (!found) throw new UsageError(`no imgsync.config.yaml, .yml or .json in ${cwd}: pass --config FILE, or create one with \`imgsync init FILE\``);
  return resolve(cwd, found);
}
