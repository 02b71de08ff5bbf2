/**
 * Namespace discovery, the engine's part: list the namespace of a target's repository
 * template once, keep the repositories of the template's shape that the file has no entry
 * for (live or commented out) and that `exclude` does not name, ask the registry for their
 * tags, and hand each one with a tag the policy accepts to the format adapter — which
 * reports it (`new-repository`) or writes an entry for it.
 *
 * The registry module owns listing, the adapter owns what an entry looks like; this file
 * only wires them. Cost: one paginated listing per namespace per run, plus a tag list per
 * new repository (and, for `add`, the manifest requests of its tags, cached like any other).
 */
import picomatch from 'picomatch';
import type { TargetConfig } from '../config/types.js';
import { wantOfRepository } from '../formats/image-want.js';
import type { Change, FormatAdapter, ImageWant, TargetOptions } from '../formats/types.js';
import { nameOfRepository, parseNameTemplate, type NameTemplate } from '../image-ref/name-template.js';
import type { YamlFile } from '../yaml/index.js';
import type { RegistryStates } from './registry-state.js';

export interface Candidate {
  name: string;
  /** The repository as the template writes it (`lablup/kernel-c-tester`). */
  image: string;
  want: ImageWant;
  /** Set when the file has a commented-out entry for the name: the tags its lines name. */
  commentedTags?: string[];
}

/** The entries a file has, by name: what discovery compares the namespace with. */
export type EntryNames = NonNullable<ReturnType<NonNullable<FormatAdapter['discovery']>['entryNames']>>;

interface Namespace {
  template: NameTemplate;
  /** The registry the template names (`cr.backend.ai`); undefined: the target's. */
  registry: string | undefined;
}

function namespaceOf(target: TargetConfig): Namespace | undefined {
  const template = parseNameTemplate(target.repository);
  if ('error' in template) return undefined;
  const sample = wantOfRepository(target.repository.replace('{name}', 'x'));
  return { template, registry: sample?.want.registry };
}

/**
 * Repositories of the namespace that the file has no live entry for, minus `exclude`; those
 * with a commented-out entry carry the tags it names (they are never added, see below).
 */
function candidates(states: RegistryStates, names: EntryNames | undefined, target: TargetConfig): Candidate[] | undefined {
  const discover = target.discover;
  const ns = namespaceOf(target);
  if (!discover || !names || !ns) return undefined;
  const listing = states.namespaceListing(ns.registry, discover.namespace, target);
  if (!listing) return undefined;
  const live = new Set(names.live);
  const commented = new Map(names.commented.map((entry) => [entry.name, entry.tags]));
  const excluded = discover.exclude.length ? picomatch(discover.exclude) : () => false;
  const out: Candidate[] = [];
  for (const repository of listing.repositories) {
    const name = nameOfRepository(ns.template, repository);
    if (name === undefined || live.has(name) || excluded(name)) continue;
    const image = target.repository.replace('{name}', name);
    const parsed = wantOfRepository(image);
    if (!parsed) continue;
    const commentedTags = commented.get(name);
    out.push(commentedTags ? { name, image, want: parsed.want, commentedTags } : { name, image, want: parsed.want });
  }
  return out;
}

/** The candidates of a file as it is now (read before its edits, so that report mode needs no re-composition). */
export function discoveryCandidates(states: RegistryStates, file: YamlFile, adapter: FormatAdapter, target: TargetConfig): Candidate[] | undefined {
  return candidates(states, adapter.discovery?.entryNames(file), target);
}

/**
 * The entries of `file` discovery needs to know while planning (`undefined`: nothing to
 * discover for this target or file), read off the parse so that planning need not keep it.
 */
export function discoveryEntryNames(file: YamlFile, adapter: FormatAdapter, target: TargetConfig): EntryNames | undefined {
  return target.discover && namespaceOf(target) ? adapter.discovery?.entryNames(file) : undefined;
}

/**
 * Planning: lists the namespace and the new repositories' tags (resolving them for `add`),
 * so that {@link discoverRepositories} can run synchronously. Does nothing for a target
 * without discovery or a file that holds no entries (Backend.AI's `image-aliases.yml`):
 * `names` is {@link discoveryEntryNames} of the file.
 */
export async function planDiscovery(states: RegistryStates, names: EntryNames | undefined, target: TargetConfig, options: TargetOptions): Promise<void> {
  const ns = namespaceOf(target);
  if (!target.discover || !ns || !names) return;
  await states.listNamespace(ns.registry, target.discover.namespace, target);
  const found = candidates(states, names, target) ?? [];
  const fresh = found.filter((c) => !c.commentedTags);
  if (target.discover.mode === 'add')
    await states.resolve(
      fresh.map((c) => c.want),
      target,
      options.digest,
    );
  else
    await states.listTagNames(
      fresh.map((c) => c.want),
      target,
    );
  await states.listTagNames(
    found.filter((c) => c.commentedTags).map((c) => c.want),
    target,
  );
}

/**
 * Apply: one `new-repository` change per repository found (reported, or added by the
 * adapter with `discover: add`). Repositories without a tag the policy accepts are left
 * out: there is nothing to track in them yet. A repository whose entry is commented out is
 * never added; when it has tags the commented-out lines do not name, one
 * `commented-repository` line says so.
 */
export function discoverRepositories(
  states: RegistryStates,
  file: YamlFile,
  adapter: FormatAdapter,
  target: TargetConfig,
  options: TargetOptions,
  found = discoveryCandidates(states, file, adapter, target),
): Change[] {
  if (!found || !adapter.discovery || !target.discover) return [];
  const changes: Change[] = [];
  for (const candidate of found) {
    const tags = states.tagNames(candidate.want, target);
    const accepted = options.tagPolicy.filter((tags ?? []).map((tag) => ({ tag })));
    if (!accepted.length) continue;
    if (candidate.commentedTags) {
      // A commented-out entry is a human's decision: never re-added. Tags it does not
      // name were pushed after it was written, which is worth a line (not drift).
      const named = new Set(candidate.commentedTags);
      const since = accepted.filter((t) => !named.has(t.tag)).map((t) => t.tag);
      if (!since.length) continue;
      changes.push({
        file: file.path,
        path: ['images'],
        image: candidate.image,
        kind: 'reported',
        code: 'commented-repository',
        message: `${candidate.image} has tags the commented-out entry ${candidate.name} does not name (${since.slice(-3).join(', ')}${since.length > 3 ? ` and ${since.length - 3} more` : ''}); the entry stays commented out`,
      });
      continue;
    }
    const state = states.lookup(target, options.digest)(candidate.want);
    if (target.discover.mode === 'add' && state) {
      changes.push(...adapter.discovery.addEntry(file, { name: candidate.name, image: candidate.image, state }, options));
      continue;
    }
    const shown = accepted.slice(-3).map((t) => t.tag);
    const more = accepted.length > shown.length ? ` and ${accepted.length - shown.length} more` : '';
    changes.push({
      file: file.path,
      path: ['images'],
      image: candidate.image,
      kind: 'reported',
      code: 'new-repository',
      message:
        `new repository ${candidate.image} (tags ${shown.join(', ')}${more}) has no entry ${candidate.name}; ` +
        (target.discover.mode === 'add' ? 'its tags could not be resolved' : 'discover: add would add one'),
    });
  }
  return changes;
}
