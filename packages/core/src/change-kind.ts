/**
 * What an edit did to one entry or reference: the one vocabulary of the format adapters,
 * which make the edits (`formats/types.ts`, `Change`), and of the commit messages, which
 * tell them (`git/commit-message.ts`, `ChangeSummary`). It lives beside them, not in
 * either, because git knows nothing of formats and formats nothing of git.
 *
 * - `updated`: a value moved (a tag, a digest, an image id);
 * - `added`: an entry or a digest was written where there was none;
 * - `filled`: a placeholder (Backend.AI's `x`) got its value;
 * - `repointed`: an alias (`["latest", ":3.6-ubuntu"]`) now points at another tag;
 * - `removed`: an entry whose tag vanished was deleted;
 * - `commented`: such an entry was commented out instead (a commit names it `remove`);
 * - `reported`: seen and left alone, with a message; never part of a commit.
 */
export type ChangeKind = 'updated' | 'added' | 'filled' | 'repointed' | 'removed' | 'commented' | 'reported';
