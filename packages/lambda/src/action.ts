/**
 * The GitHub Action entry point (`action.yml` at the repository root runs the bundled
 * `dist/action.mjs` on the runner's Node). Inputs arrive as `INPUT_*` variables:
 *
 * | input | meaning |
 * | --- | --- |
 * | `config` | config file, relative to the workspace; default `imgsync.config.yaml` (ignored when `IMGSYNC_CONFIG` is set) |
 * | `token` | git token; default the workflow's `github.token` |
 * | `dry-run` | `true`: log the changes, push nothing |
 * | `shard` | a fleet config's shard, `i/n` (a matrix job) |
 * | `snapshot` | the tick's recording to answer from (a file in the workspace, an `https://` URL) |
 * | `record` | the recording step instead of a run: where to write the tick (a file, an `https://` URL) |
 *
 * Outputs (`$GITHUB_OUTPUT`): `changed`, `changes`, `commit`, `pushed`, `pull-request`.
 * A Markdown table of the changes goes to the job summary. Failures end the step with
 * an `::error::` annotation and exit code 1.
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FleetResult, UpdateResult } from '@imgsync/core';
import { scheduledRun, ScheduledRunError, type RecordedTick } from './scheduled-run.js';

function input(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

async function main(): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const env: Record<string, string | undefined> = { ...process.env };
  if (!env.IMGSYNC_CONFIG) env.IMGSYNC_CONFIG_FILE = resolve(workspace, input('config') || 'imgsync.config.yaml');
  const token = input('token');
  if (token) env.IMGSYNC_GIT_TOKEN = token;
  // A cancelled job (or its timeout-minutes) sends SIGINT, then SIGTERM: stop as a passed
  // deadline would (clone removed, summary written). IMGSYNC_DEADLINE sets an earlier end.
  const stop = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => stop.abort(new Error(name)));
  try {
    const shard = input('shard');
    const snapshot = input('snapshot');
    const record = input('record');
    // a workspace file, or a URL as given
    const located = (where: string) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(where) ? where : resolve(workspace, where));
    const result = await scheduledRun({
      env,
      baseDir: workspace,
      signal: stop.signal,
      dryRun: /^true$/i.test(input('dry-run')),
      ...(shard && { shard }),
      ...(snapshot && { snapshot: located(snapshot) }),
      ...(record && { record: { location: located(record) } }),
    });
    report(result);
  } catch (error) {
    if (error instanceof ScheduledRunError && error.result) report(error.result);
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`::error title=imgsync::${escapeCommand(message)}\n`);
    process.exitCode = 1;
  }
}

function report(result: UpdateResult | FleetResult | RecordedTick): void {
  if ('recorded' in result) {
    if (process.env.GITHUB_STEP_SUMMARY) {
      appendFileSync(
        process.env.GITHUB_STEP_SUMMARY,
        `### imgsync: recorded ${result.repositories} repositories, ${result.tags} tags of ${result.registries.join(', ') || 'no live registry'}\n`,
      );
    }
    return;
  }
  if ('repositories' in result) {
    reportFleet(result);
    return;
  }
  const d = result.delivery;
  const real = result.changes.filter((c) => c.kind !== 'reported');
  const outputs = {
    changed: String(result.changed),
    changes: String(real.length),
    commit: d?.commit ?? '',
    pushed: String(d?.pushed ?? false),
    'pull-request': d?.pullRequest?.url ?? '',
    'new-repositories': result.changes
      .filter((c) => c.code === 'new-repository')
      .map((c) => c.image)
      .join(' '),
  };
  if (process.env.GITHUB_OUTPUT) {
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      Object.entries(outputs)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    const rows = result.changes.map((c) => `| ${c.file} | ${c.image} | ${c.tag ?? ''} | ${c.kind} | ${c.old ?? ''} | ${c.new ?? c.message ?? ''} |`);
    const head = result.partial
      ? `imgsync stopped early (nothing pushed): ${result.partial.reason}`
      : d?.pullRequest
        ? `imgsync: ${real.length} change(s), pull request ${d.pullRequest.url}`
        : d?.pushed
          ? `imgsync: ${real.length} change(s), pushed ${d.commit?.slice(0, 12)} to ${d.branch}`
          : `imgsync: ${result.changed ? `${real.length} change(s), not pushed` : 'up to date'}`;
    const table = rows.length ? `\n| file | image | tag | kind | old | new |\n| --- | --- | --- | --- | --- | --- |\n${rows.join('\n')}\n` : '';
    const undone = result.partial?.undone.length ? `\nLeft undone:\n${result.partial.undone.map((line) => `- ${line}`).join('\n')}\n` : '';
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, `### ${head}\n${undone}${table}`);
  }
}

/** A fleet (or one shard of it, a matrix job): outputs over all its repositories, one summary row each. */
function reportFleet(fleet: FleetResult): void {
  const results = fleet.repositories.flatMap((r) => (r.result ? [r.result] : []));
  const outputs = {
    changed: String(fleet.totals.changed > 0),
    changes: String(fleet.totals.changes),
    commit: '',
    pushed: String(results.some((r) => r.delivery?.pushed)),
    'pull-request': results.flatMap((r) => (r.delivery?.pullRequest ? [r.delivery.pullRequest.url] : [])).join(' '),
    'new-repositories': results.flatMap((r) => r.changes.filter((c) => c.code === 'new-repository').map((c) => c.image)).join(' '),
  };
  if (process.env.GITHUB_OUTPUT)
    appendFileSync(
      process.env.GITHUB_OUTPUT,
      Object.entries(outputs)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  if (process.env.GITHUB_STEP_SUMMARY) {
    const t = fleet.totals;
    const rows = fleet.repositories.map(
      (r) =>
        `| ${r.url} | ${r.outcome} | ${r.result ? r.result.changes.filter((c) => c.kind !== 'reported').length : 0} | ${r.error?.message ?? r.result?.delivery?.pullRequest?.url ?? r.result?.delivery?.commit?.slice(0, 12) ?? ''} |`,
    );
    appendFileSync(
      process.env.GITHUB_STEP_SUMMARY,
      `### imgsync: ${t.repositories} repositories, ${t.changed} changed, ${t.failed} failed\n\n| repository | outcome | changes | commit, pull request or error |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`,
    );
  }
}

/** Workflow commands end at a newline; `%`, CR and LF must be escaped. */
function escapeCommand(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

await main();
