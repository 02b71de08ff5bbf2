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
  old: string | undefined;
  /** undefined: leave the field as it is. */
  value: string | undefined;
  kind: Exclude<ChangeKind, 'reported'>;
}

export function applyPairedEdits(doc: { setIn(path: KeyPath, value: string): boolean }, base: Change, edits: readonly FieldEdit[]): Change[] {
  const done: Change[] = [];
  for (const edit of edits) {
    const value = edit.value;
    if (value === undefined || value === edit.old) continue;
    const outcome = guardedEdit(() => doc.setIn(edit.path, value));
    if (!outcome.ok) {
      for (const undone of done) doc.setIn(undone.path, undone.old ?? '');
      return [{ ...base, path: [...edit.path], message: outcome.message }];
    }
    done.push(
      edit.kind === 'added'
        ? { ...base, path: [...edit.path], kind: 'added', new: value }
        : { ...base, path: [...edit.path], kind: edit.kind, old: edit.old ?? '', new: value },
    );
  }
  return done;
}
