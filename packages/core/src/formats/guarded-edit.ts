/**
 * Running an edit that the YAML editor may refuse. The editor throws `YamlEditError` for an
 * edit through an anchor, alias or merge key (it would silently change other entries) and
 * for a path that is not there; an adapter turns that into a `reported` change with the
 * editor's reason instead of failing the whole run.
 */
import { YamlEditError } from '../errors.js';

export type EditOutcome = { ok: true; changed: boolean } | { ok: false; message: string };

/**
 * Runs `edit`; a `YamlEditError` becomes `{ ok: false, message }`, anything else rethrows.
 *
 * @example
 * const outcome = guardedEdit(() => file.setIn(['images', 1, 'slots', 'cpu'], 2));
 * if (!outcome.ok) changes.push({ kind: 'reported', message: outcome.message, ... });
 */
export function guardedEdit(edit: () => boolean | void): EditOutcome {
  try {
    const changed = edit();
    return { ok: true, changed: changed !== false };
  } catch (error) {
    if (error instanceof YamlEditError) return { ok: false, message: error.message };
    throw error;
  }
}
