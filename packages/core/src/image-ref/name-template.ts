/**
 * Repository templates with a `{name}` placeholder (`lablup/kernel-{name}`,
 * `cr.backend.ai/stable/{name}`), read backwards: which namespace such a template stands
 * for, and which entry name a listed repository of that namespace has.
 *
 * A template can be read backwards only when `{name}` appears once, in the last path
 * component, after a namespace: `lablup/kernel-{name}` lists the namespace `lablup` and
 * keeps the repositories `lablup/kernel-*`. `{name}` alone (Docker Hub's official images)
 * or `{name}/app` name no namespace to list.
 */

/** A template's namespace and the shape of the repositories it names. */
export interface NameTemplate {
  /** Registry host written in the template (`cr.backend.ai`), if any. */
  host: string | undefined;
  /** Repository path before the last component, without the host: `lablup`, `stable`. */
  namespace: string;
  /** Text of the last component before and after `{name}`: `kernel-` and ``. */
  prefix: string;
  suffix: string;
}

const HOST = /^(?:localhost|[^/]*[.:][^/]*|[^/]*[A-Z][^/]*)$/;

/**
 * Reads `template` backwards, or says why it cannot be.
 *
 * @example
 * parseNameTemplate('lablup/kernel-{name}')
 * // { host: undefined, namespace: 'lablup', prefix: 'kernel-', suffix: '' }
 * parseNameTemplate('{name}') // { error: '…names no namespace…' }
 */
export function parseNameTemplate(template: string): NameTemplate | { error: string } {
  const parts = template.split('/');
  const host = parts.length > 1 && HOST.test(parts[0]!) ? parts.shift() : undefined;
  const last = parts.pop() ?? '';
  const count = template.split('{name}').length - 1;
  if (count !== 1 || !last.includes('{name}')) {
    return {
      error: `the repository template ${JSON.stringify(template)} must have {name} once, in its last path component, to be matched against a namespace`,
    };
  }
  if (parts.length === 0) {
    return {
      error: `the repository template ${JSON.stringify(template)} names no namespace to list; write it as NAMESPACE/…{name}…, such as lablup/kernel-{name}`,
    };
  }
  const [prefix, suffix] = last.split('{name}') as [string, string];
  return { host, namespace: parts.join('/'), prefix, suffix };
}

/**
 * The entry name of a listed repository (`namespace/prefix NAME suffix`), or `undefined`
 * when the repository does not have the template's shape.
 *
 * @example
 * nameOfRepository(parseNameTemplate('lablup/kernel-{name}'), 'lablup/kernel-python') // 'python'
 * nameOfRepository(parseNameTemplate('lablup/kernel-{name}'), 'lablup/backend.ai-manager') // undefined
 */
export function nameOfRepository(template: NameTemplate, repository: string): string | undefined {
  const head = `${template.namespace}/${template.prefix}`;
  if (!repository.startsWith(head) || !repository.endsWith(template.suffix)) return undefined;
  const name = repository.slice(head.length, repository.length - template.suffix.length);
  // the name stands for one path component: `lablup/kernel-a/b` is not `kernel-{name}`
  return name && !name.includes('/') ? name : undefined;
}
