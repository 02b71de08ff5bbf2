/**
 * `imgsync init FILE`: look at a YAML file, detect its layout and write a starter config
 * next to the working directory's other files, refusing to overwrite one that exists.
 *
 * The config it writes runs as written (`init` then `check`):
 * - `registry:` only where the format needs one (Backend.AI entries name no registry);
 *   the other formats' references name their own, which the config lists in a comment.
 * - for setter markers, one policy per name the markers use, with the repository the
 *   markers show and tags shaped like the current one (see `markerPolicyStubs`).
 */
import { access, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import {
  createTagPolicy,
  findFormat,
  formatAdapters,
  markerPolicyStubs,
  noImagesReason,
  parseImageRef,
  parseYaml,
  type FormatAdapter,
  type MarkerPolicyStub,
  type YamlFile,
} from '@imgsync/core';
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
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${readProblem(error)}`);
  });
  const yaml = parseYaml(text, { path: file });
  const adapter = findFormat(yaml);
  if (!adapter) throw new UsageError(`${file}: ${noImagesReason(yaml)}; there is nothing for imgsync to keep current in it`);
  const target = resolve(io.cwd, flags.output ?? 'imgsync.config.yaml');
  // `files` are read relative to the config file's directory, which need not be cwd (`-o conf/x.yaml`)
  const filePattern = relative(dirname(target), path).split('\\').join('/');
  if (
    !flags.force &&
    (await access(target).then(
      () => true,
      () => false,
    ))
  ) {
    throw new UsageError(`${relative(io.cwd, target)} exists; pass --force to replace it`);
  }

  const stubs = adapter.namesPolicies ? markerPolicyStubs(yaml) : [];
  const lines = [
    '# imgsync configuration; reference: https://github.com/imgsync/imgsync#configuration-reference',
    'targets:',
    `  - files: [${JSON.stringify(filePattern)}]`,
    `    format: ${adapter.name}`,
    ...registryLines(adapter, yaml, stubs, flags.registry),
    ...(adapter.listsTags
      ? [
          `    repository: ${JSON.stringify(flags.repository ?? DEFAULT_BACKENDAI_REPOSITORY)}   # how an entry name maps to a repository`,
          ...(adapter.discovery ? ['    # discover: add            # repositories of the namespace without an entry: report (the default) | add | off'] : []),
        ]
      : []),
    ...(adapter.namesPolicies ? policyLines(stubs, file) : ['    tags:', "      exclude: ['-rc\\d*$']"]),
    ...(adapter.digestForms.length > 1 ? [`    digest: ${adapter.digestForms[0]}`] : []),
    ...(adapter.listsTags ? ['    prune: report'] : []),
    '# git:                      # uncomment to commit and push (token from IMGSYNC_GIT_TOKEN)',
    '#   branch: main',
    '#   mode: pull-request',
  ];
  await writeFile(target, `${lines.join('\n')}\n`, 'utf8');
  const policies = stubs.length ? `; ${stubs.length} ${stubs.length === 1 ? 'policy' : 'policies'} for its markers` : '';
  out.info(`wrote ${relative(io.cwd, target)} for ${file} (detected format: ${adapter.name}${policies})`);
  for (const stub of stubs.filter((s) => s.repository === undefined)) {
    out.warn(`policy ${stub.name} (${file}:${stub.line}): no marker shows which repository it follows; fill in its repository in ${relative(io.cwd, target)}`);
  }
  return EXIT_OK;
}

function readProblem(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EISDIR':
      return 'it is a directory; name the YAML file to keep current, such as imgsync init deploy/app.yaml';
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    default:
      return error.code ?? error.message;
  }
}

/**
 * Backend.AI entries name no registry, so the target says which (default docker.io).
 * The other formats ask the registry each reference names, so for them `--registry` can
 * only be a `file:` snapshot, which answers for every registry.
 */
function registryLines(adapter: FormatAdapter, yaml: YamlFile, stubs: readonly MarkerPolicyStub[], given: string | undefined): string[] {
  if (adapter.listsTags) return [`    registry: ${given ?? 'docker.io'}`];
  if (given?.startsWith('file:')) return [`    registry: ${given}`];
  const registries = new Set(
    adapter.namesPolicies
      ? stubs.flatMap((stub) => (stub.repository ? [parseImageRef(stub.repository)?.domain ?? 'docker.io'] : []))
      : adapter
          .wants(yaml, { tagPolicy: createTagPolicy(), digest: 'manifest', platform: 'linux/amd64', prune: 'report' })
          .map((want) => want.registry ?? 'docker.io'),
  );
  const named = [...registries].join(', ');
  if (given) {
    throw new UsageError(
      `--registry ${given}: ${adapter.name} references name their own registries (${named || 'none found'}), so the target would not use it; ` +
        `it applies to ${formatAdapters()
          .filter((format) => format.listsTags)
          .map((format) => format.name)
          .join(', ')} files and to file: snapshots (--registry file:registry-snapshot.json)`,
    );
  }
  return registries.size ? [`    # registry: not needed, the references name theirs (${named})`] : [];
}

function policyLines(stubs: readonly MarkerPolicyStub[], file: string): string[] {
  const lines = ['    policies:                  # one per policy the markers name'];
  for (const stub of stubs) {
    const where = `${stub.markers} marker${stub.markers === 1 ? '' : 's'}, first at ${file}:${stub.line}`;
    lines.push(`      ${JSON.stringify(stub.name)}:   # ${where}`);
    lines.push(
      stub.repository
        ? `        repository: ${JSON.stringify(stub.repository)}`
        : '        # repository: REGISTRY/REPOSITORY   # fill in: no marker shows which repository this policy follows',
    );
    if (stub.tags) {
      lines.push(
        `        tags: { include: ${singleQuoted(stub.tags.include)}, semver: ${singleQuoted(stub.tags.semver)} }   # shaped like ${stub.currentTag}, not older`,
      );
    } else {
      lines.push("        tags: { exclude: ['-rc\\d*$'] }");
    }
  }
  return lines;
}

function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
