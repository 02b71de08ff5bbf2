/**
 * Commit and pull-request texts built from the change list.
 *
 * Subject: `chore(images): update python 3.6-ubuntu, add 3.7-ubuntu` — changes grouped by
 * kind in a fixed order, tags of the same image joined, cut with `and N more` so the
 * subject stays under {@link SUBJECT_LIMIT} characters. Body: one line per change, with
 * old and new values, grouped by file when several files changed.
 */
import type { ChangeKind, ChangeSummary } from './types.js';

export const SUBJECT_LIMIT = 72;

const VERBS: Record<ChangeKind, string> = {
  updated: 'update',
  added: 'add',
  filled: 'fill',
  repointed: 'repoint',
  removed: 'remove',
};
const KIND_ORDER: ChangeKind[] = ['updated', 'added', 'filled', 'repointed', 'removed'];

export interface CommitMessageOptions {
  /** Prefix of the subject line; default `chore(images): `. */
  subjectPrefix?: string;
  /** Replaces the generated subject; `{summary}` is substituted by the generated summary. */
  subjectTemplate?: string;
}

/**
 * @example
 * buildSubject([{ file: 'images.yml', image: 'python', tag: '3.6-ubuntu', kind: 'updated' },
 *               { file: 'images.yml', image: 'python', tag: '3.7-ubuntu', kind: 'added' }])
 * // 'chore(images): update python 3.6-ubuntu, add 3.7-ubuntu'
 */
export function buildSubject(changes: readonly ChangeSummary[], options: CommitMessageOptions = {}): string {
  const prefix = options.subjectPrefix ?? 'chore(images): ';
  const parts: string[] = [];
  let lastImage: string | undefined;
  for (const kind of KIND_ORDER) {
    const byImage = new Map<string, string[]>();
    for (const change of changes) {
      if (change.kind !== kind) continue;
      const tags = byImage.get(change.image) ?? [];
      if (!tags.includes(change.tag)) tags.push(change.tag);
      byImage.set(change.image, tags);
    }
    for (const [image, tags] of byImage) {
      // `update python 3.6-ubuntu, add 3.7-ubuntu`: the image is named once per run of parts.
      parts.push(`${VERBS[kind]} ${image === lastImage ? '' : `${image} `}${tags.join(' ')}`);
      lastImage = image;
    }
  }
  let summary = parts.length ? parts.join(', ') : 'no changes';
  const budget = SUBJECT_LIMIT - prefix.length;
  if (summary.length > budget) {
    let kept = 0;
    let text = '';
    for (const part of parts) {
      const candidate = text ? `${text}, ${part}` : part;
      const rest = parts.length - kept - 1;
      const suffix = rest > 0 ? ` and ${rest} more` : '';
      if ((candidate + suffix).length > budget && kept > 0) break;
      text = candidate;
      kept++;
    }
    summary = kept < parts.length ? `${text} and ${parts.length - kept} more` : text;
  }
  return options.subjectTemplate ? options.subjectTemplate.replaceAll('{summary}', summary) : prefix + summary;
}

/** One line for a change: `- update python 3.6-ubuntu: ca7b9f52b6c2 -> 1d2f3e4a5b6c`. */
export function describeChange(change: ChangeSummary): string {
  const values =
    change.old !== undefined && change.new !== undefined
      ? `: ${change.old} -> ${change.new}`
      : change.new !== undefined
        ? `: ${change.new}`
        : change.old !== undefined
          ? ` (was ${change.old})`
          : '';
  return `- ${VERBS[change.kind]} ${change.image} ${change.tag}${values}`;
}

/** The body: every change, one a line, under a `file:` heading when several files changed. */
export function buildBody(changes: readonly ChangeSummary[]): string {
  const files = [...new Set(changes.map((c) => c.file))];
  if (files.length <= 1) return changes.map(describeChange).join('\n');
  return files
    .map((file) => [`${file}:`, ...changes.filter((c) => c.file === file).map(describeChange)].join('\n'))
    .join('\n\n');
}

/**
 * Subject, blank line, body, trailing newline (as `git commit` writes it).
 *
 * @example
 * buildCommitMessage(changes) // 'chore(images): update python 3.6-ubuntu\n\n- update python 3.6-ubuntu: a -> b\n'
 */
export function buildCommitMessage(changes: readonly ChangeSummary[], options: CommitMessageOptions = {}, notes: readonly string[] = []): string {
  const body = buildBody(changes);
  return `${buildSubject(changes, options)}\n${body ? `\n${body}\n` : ''}${notesSection(notes)}`;
}

/**
 * Things noticed and left to a human, after the changes: `\nAlso noticed (not changed):\n- …\n`;
 * empty without notes.
 *
 * @example notesSection(['new repository lablup/kernel-ruby has no entry ruby'])
 */
export function notesSection(notes: readonly string[]): string {
  return notes.length ? `\nAlso noticed (not changed):\n${notes.map((note) => `- ${note}`).join('\n')}\n` : '';
}
