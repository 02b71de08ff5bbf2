/**
 * `# imgsync: ignore`: a comment that freezes the reference on its line.
 *
 * ```yaml
 * image: redis:7.2.4   # imgsync: ignore (pinned on purpose)
 * image:               # imgsync: ignore   — on a Helm image block's key line, or on any of its lines
 *   repository: bitnami/redis
 *   tag: 7.2.4
 * images:
 *   - name: redis
 *     newTag: 7.2.4    # imgsync: ignore  — on any line of a kustomize entry
 * ```
 *
 * A frozen reference is not asked about, not moved, not pinned and not reported. The
 * comment must follow a value on its line (a comment on a line of its own freezes
 * nothing), and may go on with a reason after a space.
 */
import { isScalar, type Node, type YAMLMap } from 'yaml';

const IGNORE = /(?:^|[ \t,\]}:])[ \t]*#[ \t]*imgsync:[ \t]*ignore(?:[ \t].*)?$/;

/**
 * Whether the rest of a line after a value ends in the comment `# imgsync: ignore`.
 *
 * @example
 * endsInIgnoreComment('   # imgsync: ignore (CVE-2024-1234)') // true
 * endsInIgnoreComment(' # imgsync: redis:tag')                // false
 */
export function endsInIgnoreComment(rest: string): boolean {
  return IGNORE.test(rest.replace(/\r$/, ''));
}

/**
 * Whether one of `nodes` is followed on its line by `# imgsync: ignore`. Only scalars
 * are looked at: a collection's lines are its scalars' lines.
 *
 * @example
 * frozenByComment(file.toString(), [site.node]) // true for `image: x:1 # imgsync: ignore`
 */
export function frozenByComment(text: string, nodes: Iterable<Node | null | undefined>): boolean {
  for (const node of nodes) {
    if (!isScalar(node)) continue;
    const end = node.range?.[1];
    if (end === undefined) continue;
    const lineEnd = text.indexOf('\n', end);
    if (endsInIgnoreComment(text.slice(end, lineEnd < 0 ? text.length : lineEnd))) return true;
  }
  return false;
}

/** The keys and scalar values of a mapping's pairs (not the contents of nested collections). */
export function pairScalars(map: YAMLMap): Node[] {
  const nodes: Node[] = [];
  for (const pair of map.items) {
    if (isScalar(pair.key)) nodes.push(pair.key);
    if (isScalar(pair.value)) nodes.push(pair.value);
  }
  return nodes;
}
