/**
 * The structured log of a run: one JSON object per line, so that CloudWatch Logs
 * Insights (or `jq`) can filter on its fields. One `change` line per change, one
 * `warning` line per warning, one `file-error` line per file that could not be edited, a
 * `partial` line with what a stopped run left undone, and a closing `summary` line. Every line passes through {@link redactSecrets} with the
 * run's own secrets, on top of core's redaction of server messages.
 *
 * @example
 * {"level":"info","msg":"change","file":"image-metadata.yml","image":"python","tag":"3.9","kind":"updated","old":"ca7b9f52b6c2","new":"1d2f3e4a5b6c"}
 * {"level":"info","msg":"summary","changed":true,"changes":1,"reports":0,"files":1,"pushed":true,"commit":"…","branch":"main","durationMs":812}
 */
import { redactSecrets, type UpdateResult } from '@imgsync/core';

export type LogLine = Record<string, unknown> & { level: 'info' | 'warn' | 'error'; msg: string };
export type LogSink = (line: string) => void;

export interface Logger {
  log(line: LogLine): void;
}

export function createLogger(sink: LogSink, secrets: () => readonly string[]): Logger {
  return { log: (line) => sink(redactSecrets(JSON.stringify(line), secrets())) };
}

export interface Summary {
  changed: boolean;
  /** Edits made (or that would be made), without reports. */
  changes: number;
  /** Vanished tags, dangling aliases: reported, nothing edited. */
  reports: number;
  /** Repositories of a discovered namespace that the files had no entry for (reported or added). */
  newRepositories: number;
  files: number;
  errors: number;
  warnings: number;
  pushed: boolean;
  commit?: string;
  branch?: string;
  pullRequest?: string;
  partial?: string;
  durationMs: number;
}

export function summarize(result: UpdateResult, durationMs: number): Summary {
  const reports = result.changes.filter((c) => c.kind === 'reported').length;
  const d = result.delivery;
  return {
    changed: result.changed,
    changes: result.changes.length - reports,
    reports,
    newRepositories: result.changes.filter((c) => c.code === 'new-repository').length,
    files: result.files.filter((f) => f.changed).length,
    errors: result.errors.length,
    warnings: result.warnings.length,
    pushed: d?.pushed ?? false,
    ...(d?.commit && { commit: d.commit }),
    ...(d?.branch && { branch: d.branch }),
    ...(d?.pullRequest && { pullRequest: d.pullRequest.url }),
    ...(result.partial && { partial: result.partial.reason }),
    durationMs,
  };
}

export function logResult(logger: Logger, result: UpdateResult, summary: Summary): void {
  for (const change of result.changes) {
    const { path: _path, ...facts } = change;
    logger.log({ level: change.kind === 'reported' ? 'warn' : 'info', msg: 'change', ...facts });
  }
  for (const warning of result.warnings) logger.log({ level: 'warn', msg: 'warning', text: warning });
  for (const error of result.errors) logger.log({ level: 'error', msg: 'file-error', ...error });
  if (result.partial) logger.log({ level: 'error', msg: 'partial', reason: result.partial.reason, undone: result.partial.undone });
  logger.log({ level: result.partial || result.errors.length ? 'error' : 'info', msg: 'summary', ...summary });
}
