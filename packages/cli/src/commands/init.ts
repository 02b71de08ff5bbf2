/**
 * `imgsync init FILE`: look at a YAML file, detect its layout and write a starter config
 * next to the working directory's other files, refusing to overwrite one that exists.
 */
import { access, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { detectFormat, parseYaml } from '@imgsync/core';
import { EXIT_OK, UsageError } from '../exit-codes.js';
import type { CommandContext } from '../context.js';

export interface InitFlags {
  output?: string;
  registry?: string;
  repository?: string;
  force?: boolean;
}

/** Backend.AI's own images are `lablup/kernel-<name>`; a valid starting point that `check` accepts. */
const DEFAULT_BACKENDAI_REPOSITORY = 'lablup/kernel-{name}';

export async function initCommand(ctx: CommandContext, file: string, flags: InitFlags): Promise<number> {
  const { io, out } = ctx;
  const path = resolve(io.cwd, file);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  const adapter = detectFormat(parseYaml(text, { path: file }));
  const target = resolve(io.cwd, flags.output ?? 'imgsync.config.yaml');
  // `files` are read relative to the config file's directory, which need not be cwd (`-o conf/x.yaml`)
  const filePattern = relative(dirname(target), path).split('\\').join('/');
  if (!flags.force && (await access(target).then(() => true, () => false))) {
    throw new UsageError(`${relative(io.cwd, target)} exists; pass --force to replace it`);
  }
  const lines = [
    '# imgsync configuration; reference: https://github.com/imgsync/imgsync#configuration-reference',
    'targets:',
    `  - files: [${JSON.stringify(filePattern)}]`,
    `    format: ${adapter.name}`,
    `    registry: ${flags.registry ?? 'docker.io'}`,
    ...(adapter.name === 'backendai'
      ? [`    repository: ${JSON.stringify(flags.repository ?? DEFAULT_BACKENDAI_REPOSITORY)}   # how an entry name maps to a repository`]
      : []),
    '    tags:',
    "      exclude: ['-rc\\d*$']",
    ...(adapter.name === 'backendai' ? ['    digest: image-id-12'] : []),
    '    prune: report',
    '# git:                      # uncomment to commit and push (token from IMGSYNC_GIT_TOKEN)',
    '#   branch: main',
    '#   mode: pull-request',
  ];
  await writeFile(target, `${lines.join('\n')}\n`, 'utf8');
  out.info(`wrote ${relative(io.cwd, target)} for ${file} (detected format: ${adapter.name})`);
  return EXIT_OK;
}
