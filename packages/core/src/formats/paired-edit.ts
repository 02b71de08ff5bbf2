/**
 * Setting a reference's tag and digest fields (`tag` + `digest` in Helm values, `newTag` +
 * `digest` in a kustomization) as one edit: they describe one image, so when the editor
 * refuses one of them, the ones already made are undone and the refusal is reported.
 */
import type { KeyPath } from '../yaml/index.js';
import { guardedEdit } from './guarded-edit.js';
import type { Change, ChangeKind } from './types.js';

export interface FieldEdit {
  path: KeyPath;
  /** Which part of the reference the field holds. */
  field: 'tag' | 'digest';
  old: string | undefined;
  /** undefined: leave the field as it is. */
  value: string | undefined;
  kind: Exclude<ChangeKind, 'reported'>;
}

/**
 * Makes `edits` on `doc`, all or none. `base` is the reference's change as the file had it
 * (a refusal is reported with it); the changes made name `tagAfter`, the reference's tag
 * once the edits are in.
 */
export function applyPairedEdits(
  doc: { setIn(path: KeyPath, value: string): boolean },
  base: Change,
  edits: readonly FieldEdit[],
  tagAfter: string | undefined,
): Change[] {
  const done: Change[] = [];
  for (const edit of edits) {
    const value = edit.value;
    if (value === undefined || value === edit.old) continue;
    const outcome = guardedEdit(() => doc.setIn(edit.path, value));
    if (!outcome.ok) {
      for (const undone of done) doc.setIn(undone.path, undone.old ?? '');
      return [{ ...base, path: [...edit.path], message: outcome.message }];
    }
    const change: Change = { ...base, path: [...edit.path], kind: edit.kind, field: edit.field, new: value };
    if (tagAfter !== undefined) change.tag = tagAfter;
    if (edit.kind !== 'added') change.old = edit.old ?? '';
    done.push(change);
  }
  return done;
}
