/**
 * The `imgsync` command line. Turns argv into core options and core results into output
 * and an exit code; all I/O comes in through `CliIo`, so tests run it in-process as well
 * as as a subprocess.
 *
 * A command's module, and with it `@imgsync/core`, is loaded when the command runs:
 * `--version`, `--help` and usage errors load commander and chalk only.
 */
import { Command, CommanderError, Option } from 'commander';
import { refuseConflictingFlags } from './conflicting-flags.js';
import type { CliIo, CommandContext } from './context.js';
import { EXIT_INPUT, UsageError } from './exit-status.js';
import { Output } from './output.js';
import { version } from './version.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function main(io: CliIo): Promise<number> {
  const program = new Command('imgsync');
  let exitCode = 0;
  let out = makeOutput(io, {});
  const context = (cmd: Command): CommandContext => {
    out = makeOutput(io, cmd.optsWithGlobals());
    return { io, out };
  };

  program
    .description('Keep a YAML list of container images in step with what the registries hold.')
    .version(version, '-V, --version')
    .option('-c, --config <file>', 'config file (default: imgsync.config.yaml/.yml/.json in the current directory)')
    .option('-v, --verbose', 'more detail, and stack traces on errors')
    .option('-q, --quiet', 'only errors and requested output')
    .option('--no-color', 'no colors (also NO_COLOR=1; FORCE_COLOR=1 forces them; TERM=dumb has none)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run imgsync --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  imgsync update --dry-run                 show what would change, as a diff
  imgsync update                           edit the files (and commit/push if the config has git:)
  imgsync update --json > result.json      machine-readable result
  imgsync check                            exit 1 when the files are behind the registries
  imgsync validate                         check the config file only (every problem; no network)
  imgsync snapshot --registry docker.io --namespace lablup > registry.json
  imgsync snapshot -o tick.json && imgsync update --shard 0/4 --snapshot tick.json
  imgsync init sample-configs/image-metadata.yml

Exit codes: 0 ok, 1 check found drift, 2 usage/config/input error, 3 registry or git failure,
4 stopped early (time budget ran out, or SIGINT/SIGTERM): nothing written or pushed.
Environment: IMGSYNC_GIT_TOKEN or GITHUB_TOKEN (git token), IMGSYNC_SNAPSHOT, IMGSYNC_DEADLINE (a duration
such as 10m, or an RFC 3339 time: when the run must end), IMGSYNC_MIN_REMAINING_MS (no
registry request in the last N ms of it, default 10000), NO_COLOR, FORCE_COLOR.`,
    );

  const updateLike = (cmd: Command) =>
    cmd
      .option('--json', 'print the result object as JSON')
      .option('--timeout <duration>', 'end the run by then (10m, 90s, 1h30m): nothing written or pushed, exit 4')
      .option('--cache <file>', 'digest cache file (default: ~/.cache/imgsync/manifests.json)')
      .option('--no-cache', 'no digest cache')
      .option('--shard <i/n>', 'a fleet: run only shard i (from 0) of n (also IMGSYNC_SHARD, or JOB_COMPLETION_INDEX with IMGSYNC_SHARD_COUNT)')
      .option('--snapshot <file|url>', "answer from this tick's recorded registry state (imgsync snapshot) what it holds; also IMGSYNC_SNAPSHOT");

  updateLike(
    program
      .command('update')
      .description('query the registries and update the image files')
      .option('-n, --dry-run', 'print a colored diff and write nothing')
      .addOption(new Option('--push', 'commit and push even without a git: section (the checkout in the current directory)'))
      .addOption(new Option('--no-push', 'edit files only, even with a git: section')),
  ).action(async (_opts, cmd: Command) => {
    const { updateCommand } = await import('./commands/update.js');
    exitCode = await updateCommand(context(cmd), cmd.optsWithGlobals(), 'update');
  });

  updateLike(program.command('check').description('exit 1 when the files are not current; list vanished tags and dangling aliases')).action(
    async (_opts, cmd: Command) => {
      const { updateCommand } = await import('./commands/update.js');
      exitCode = await updateCommand(context(cmd), cmd.optsWithGlobals(), 'check');
    },
  );

  program
    .command('validate')
    .description('check the config file and print every problem (no file globbing, no network); exit 0 or 2')
    .option('--json', 'print { valid, problems: [{ path, line, col, setting, message, expected, suggestion, rule }] }')
    .action(async (_opts, cmd: Command) => {
      const { validateCommand } = await import('./commands/validate.js');
      exitCode = await validateCommand(context(cmd), cmd.optsWithGlobals());
    });

  program
    .command('snapshot')
    .description("record registry state: what the config's check asks (a fleet's tick, for its shards), or a registry's namespaces")
    .option('--registry <registry>', 'record this registry (docker.io, ghcr.io, http://127.0.0.1:5000, …) instead of what the config asks')
    .option('--namespace <name>', 'with --registry: every repository under a namespace (repeatable)', collect)
    .option('--repository <name>', 'with --registry: one repository (repeatable)', collect)
    .option('--platform <os/arch>', 'with --registry: platform whose image id is recorded (default linux/amd64)')
    .option('-o, --output <file|url>', 'write to a file or PUT to an https:// URL instead of stdout')
    .option('--cache <file>', 'digest cache file (default: ~/.cache/imgsync/manifests.json)')
    .option('--no-cache', 'no digest cache')
    .option('--timeout <duration>', 'end the run by then (10m, 90s): nothing written, exit 4')
    .action(async (_opts, cmd: Command) => {
      const { snapshotCommand } = await import('./commands/snapshot.js');
      exitCode = await snapshotCommand(context(cmd), cmd.optsWithGlobals());
    });

  program
    .command('init')
    .description('detect the format of a YAML file and write a starter config')
    .argument('<file>', 'the image list to keep current')
    .option('-o, --output <file>', 'config file to write', 'imgsync.config.yaml')
    .option('--registry <registry>', 'registry to ask (default: docker.io for backendai; other formats ask the registry each reference names)')
    .option('--repository <template>', 'backendai: how an entry name maps to a repository (default lablup/kernel-{name})')
    .option('--force', 'replace an existing config file')
    .action(async (file: string, _opts, cmd: Command) => {
      const { initCommand } = await import('./commands/init.js');
      exitCode = await initCommand(context(cmd), file, cmd.optsWithGlobals());
    });

  try {
    refuseConflictingFlags(io.argv.slice(2));
    await program.parseAsync([...io.argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_INPUT;
    out.clearProgress();
    // already loaded by the command that threw, unless the failure came before one ran
    const [{ ConfigError, formatConfigProblem }, { exitCodeOf, factsOf }] = await Promise.all([import('@imgsync/core'), import('./exit-codes.js')]);
    const code = exitCodeOf(error);
    const facts = factsOf(error);
    const message = facts.code === 'INTERNAL' ? `unexpected: ${facts.message}` : facts.message;
    // a config with several problems: one line each
    if (error instanceof ConfigError && error.problems.length > 1) for (const problem of error.problems) out.error(formatConfigProblem(problem));
    else out.error(message);
    if (!(error instanceof UsageError) && error instanceof Error && error.stack) out.verbose(error.stack);
    // with --json, stdout still carries one JSON document, so scripts can parse the failure:
    // the library's error facts (code, message, path, line, col, …) and the exit code
    if (io.argv.includes('--json')) out.out(JSON.stringify({ error: { ...facts, exitCode: code } }, null, 2));
    return code;
  }
}

function makeOutput(io: CliIo, opts: { color?: boolean; quiet?: boolean; verbose?: boolean }): Output {
  return new Output(io, {
    color: opts.color === false ? false : undefined,
    quiet: opts.quiet ?? false,
    verbose: opts.verbose ?? false,
    env: io.env,
    detectedColorLevel: io.colorLevel,
  });
}
