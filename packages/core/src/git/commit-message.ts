/**
 * Commit and pull-request texts built from the change list.
 *
 * Subject: `chore(images): update elasticsearch to 7.17.28, update python 3.6-ubuntu, add 3.7-ubuntu`
 * — a moved tag names its new version (`update IMAGE to TAG`), other changes the tag whose
 * value changed (`update python 3.6-ubuntu`: its image id). A digest that moved along with
 * its tag is not named again, and a digest written where there was none reads `pin`.
 * Parts come in a fixed order, tags of the same image joined, cut with `and N more` so the
 * subject stays under {@link SUBJECT_LIMIT} characters. Body: one line per change, with old
 * and new values, grouped by file when several files changed.
 */
import type { ChangeSummary } from './types.js';

export const SUBJECT_LIMIT = 72;

/** An entry commented out is, to a reader of the history, removed. */
const VERBS: Record<ChangeSummary['kind'], string> = {
  updated: 'update',
  added: 'add',
  filled: 'fill',
  repointed: 'repoint',
  removed: 'remove',
  commented: 'remove',
};

/** How a change reads in the subject; `move` is `update IMAGE to TAG`. */
type SubjectGroup = 'move' | 'update' | 'add' | 'pin' | 'fill' | 'repoint' | 'remove';
const GROUP_ORDER: SubjectGroup[] = ['move', 'update', 'add', 'pin', 'fill', 'repoint', 'remove'];

/** The verb a change reads with, in the subject and the body. */
function verbOf(change: ChangeSummary): string {
  if (change.field === 'digest' && (change.kind === 'added' || change.kind === 'filled')) return 'pin';
  return VERBS[change.kind];
}

/** The subject group of a change; `undefined` for a digest that moved with its tag (the move says it). */
function groupOf(change: ChangeSummary, changes: readonly ChangeSummary[]): SubjectGroup | undefined {
  if (change.field === 'tag' && change.kind === 'updated') return 'move';
  const followsMove = (other: ChangeSummary) =>
    other.field === 'tag' && other.kind === 'updated' && other.file === change.file && other.image === change.image && other.tag === change.tag;
  if (change.field === 'digest' && changes.some(followsMove)) return undefined;
  return verbOf(change) as SubjectGroup;
}

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
 * buildSubject([{ file: 'compose.yaml', image: 'elasticsearch', tag: '7.17.28', kind: 'updated', field: 'tag', old: '7.16.1', new: '7.17.28' }])
 * // 'chore(images): update elasticsearch to 7.17.28'
 */
export function buildSubject(changes: readonly ChangeSummary[], options: CommitMessageOptions = {}): string {
  const prefix = options.subjectPrefix ?? 'chore(images): ';
  const parts: string[] = [];
  let lastImage: string | undefined;
  for (const group of GROUP_ORDER) {
    const byImage = new Map<string, string[]>();
    for (const change of changes) {
      if (groupOf(change, changes) !== group) continue;
      const tags = byImage.get(change.image) ?? [];
      if (!tags.includes(change.tag)) tags.push(change.tag);
      byImage.set(change.image, tags);
    }
    for (const [image, tags] of byImage) {
      if (group === 'move') {
        parts.push(`update ${image} to ${tags.join(' ')}`);
        lastImage = undefined;
        continue;
      }
      // `update python 3.6-ubuntu, add 3.7-ubuntu`: the image is named once per run of parts.
      parts.push(`${group} ${image === lastImage ? '' : `${image} `}${tags.join(' ')}`);
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

/**
 * One line for a change: `- update python 3.6-ubuntu: ca7b9f52b6c2 -> 1d2f3e4a5b6c`, or for a
 * moved tag `- update elasticsearch 7.16.1 -> 7.17.28`.
 */
export function describeChange(change: ChangeSummary): string {
  // an empty old value (Helm's `digest: ""`) is no value
  const old = change.old || undefined;
  if (change.field === 'tag' && old !== undefined && change.new !== undefined) {
    return `- ${verbOf(change)} ${change.image} ${old} -> ${change.new}`;
  }
  const values =
    old !== undefined && change.new !== undefined
      ? `: ${old} -> ${change.new}`
      : change.new !== undefined
        ? `: ${change.new}`
        : old !== undefined
          ? ` (was ${old})`
          : '';
  return `- ${verbOf(change)} ${change.image} ${change.tag}${values}`;
}

/** The body: every change, one a line, under a `file:` heading when several files changed. */
export function buildBody(changes: readonly ChangeSummary[]): string {
  const files = [...new Set(changes.map((c) => c.file))];
  if (files.length <= 1) return changes.map(describeChange).join('\n');
  return files.map((file) => [`${file}:`, ...changes.filter((c) => c.file === file).map(describeChange)].join('\n')).join('\n\n');
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

/**
 * The body of imgsync's pull request: the change lines, the notes, and a warning that the
 * branch is rebuilt on every run.
 */
export function pullRequestBody(changes: readonly ChangeSummary[], notes: readonly string[] = []): string {
  return `imgsync found these image changes:\n\n${buildBody(changes)}\n${notesSection(notes)}\nThis branch is rebuilt from the base branch on every run; edits pushed to it are overwritten.\n`;
}
