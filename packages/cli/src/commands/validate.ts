/**
 * `imgsync validate`: checks the config file and prints every problem, for editors,
 * pre-commit hooks and CI. It reads the config file only: no target file is globbed or
 * read, no registry or git remote is asked, and secret references are checked for form,
 * not resolved. Exit 0 when the config is valid, 2 when it has problems.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { checkConfigText, ConfigError, formatConfigProblem } from '@imgsync/core';
import type { CommandContext } from '../context.js';
import { EXIT_INPUT, EXIT_OK } from '../exit-codes.js';
import { locateConfig } from '../locate-config.js';

export interface ValidateFlags {
  config?: string;
  json?: boolean;
}

export async function validateCommand(ctx: CommandContext, flags: ValidateFlags): Promise<number> {
  const { io, out } = ctx;
  const located = await locateConfig(io.cwd, flags.config);
  // name the file as the user would: as given, or relative to the working directory
  const shown = flags.config ?? (isAbsolute(located) ? relative(io.cwd, located) : located);
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, located), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? 'config file not found' : `cannot read config file (${code ?? (error as Error).message})`, { path: shown });
  }
  const problems = checkConfigText(text, shown);
  if (flags.json) {
    out.out(JSON.stringify({ valid: problems.length === 0, problems }, null, 2));
  } else {
    for (const problem of problems) out.error(formatConfigProblem(problem));
    const count = problems.length;
    out.info(count === 0 ? out.chalk.green(`${shown}: valid`) : out.chalk.red(`${shown}: ${count} problem${count === 1 ? '' : 's'}`));
  }
  return problems.length === 0 ? EXIT_OK : EXIT_INPUT;
}
