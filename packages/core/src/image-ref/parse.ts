/**
 * Image references (`[registry[:port]/]repository[:tag][@digest]`), parsed exactly as
 * Docker parses them (github.com/distribution/reference, `ParseNormalizedNamed`), and
 * formatted back in the spelling they were written in.
 *
 * Grammar (distribution/reference `regexp.go`; tag, path and digest from `grammar.ts`):
 *
 * ```
 * reference   := name [ ":" tag ] [ "@" digest ]
 * name        := [domain "/"] path               (at most 255 characters)
 * domain      := host [":" port]                 host: DNS name, IPv4, or [IPv6]
 * path        := component ("/" component)*      component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)*
 * tag         := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 * digest      := sha256:<64 hex> | sha384:<96 hex> | sha512:<128 hex>   (lowercase hex)
 * ```
 *
 * Normalisation (`splitDockerDomain`): the first path element is a registry only when it
 * contains `.` or `:`, is `localhost`, or has uppercase letters; otherwise the reference
 * lives on Docker Hub (`docker.io`). `index.docker.io` is Docker Hub's legacy name, and a
 * one-element path on Docker Hub is an official image under `library/`. So `nginx`,
 * `library/nginx`, `docker.io/nginx` and `index.docker.io/library/nginx` all name
 * `docker.io/library/nginx`. A reference that is only 64 hex digits is an image id, not a
 * name, and is rejected as Docker does.
 *
 * An {@link ImageRef} keeps both views: the parts as written (`registry`, `repository`) for
 * writing back, so a bump of `nginx:1.25` writes `nginx:1.27`, and the normalised ones
 * (`domain`, `path`) for comparing and for asking the registry.
 */

import { isValidDigest, isValidTag, NAME_TOTAL_LENGTH_MAX, REFERENCE_DIGEST_ALGORITHMS, REPOSITORY_SOURCE, TAG_SOURCE } from './grammar.js';

/** A parsed image reference. Immutable; derive new ones with {@link withTag} / {@link withDigest}. */
export interface ImageRef {
  /** Registry host[:port] as written (`ghcr.io`, `localhost:5000`), or `undefined` when none is written. */
  readonly registry: string | undefined;
  /** Repository path as written: `nginx`, `library/nginx`, `bitnami/redis`. */
  readonly repository: string;
  /** Tag, if written. */
  readonly tag: string | undefined;
  /** Digest (`sha256:…`), if written. */
  readonly digest: string | undefined;
  /** Normalised registry: `docker.io` for Docker Hub however it was written. */
  readonly domain: string;
  /** Normalised repository path: `library/nginx` for the official `nginx`. */
  readonly path: string;
}

/** Options of {@link parseImageRef} and {@link checkImageRef}. */
export interface ParseImageRefOptions {
  /**
   * Require evidence that a string is an image reference, for scanning arbitrary string
   * values (Kubernetes manifests, compose files, workflows) where `backend`, `apps/base`
   * or `"8080:80"` are valid Docker references but almost never images. Strict mode
   * additionally requires:
   * - a tag or a digest (`nginx:1.25`, `ghcr.io/x/y@sha256:…`);
   * - a letter in the repository's last element (rejects ports `8080:80` and times `12:30`).
   *
   * Default `false`: Docker's grammar alone, right where the context says the value is an
   * image (an `image:` key, Kustomize `newName`, Helm `repository`), so a plain `nginx`
   * there is a reference.
   */
  strict?: boolean;
}

/** Why a string is not an image reference. */
export type ImageRefProblem = 'empty' | 'variables' | 'url' | 'path' | 'identifier' | 'syntax' | 'uppercase' | 'too-long' | 'digest' | 'no-tag' | 'not-a-name';

/** The outcome of {@link checkImageRef}. */
export type ImageRefCheck = { ok: true; ref: ImageRef } | { ok: false; problem: ImageRefProblem; message: string };

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
/** name + ':' + tag + '@' + sha512 digest; longer strings are rejected before any regex runs. */
const REFERENCE_LENGTH_MAX = NAME_TOTAL_LENGTH_MAX + 1 + 128 + 1 + 'sha512:'.length + 128;

const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6Address = '\\[[a-fA-F0-9:]+\\]';
const domainAndPort = `(?:${domainName}|${ipv6Address})(?::[0-9]+)?`;
const remoteName = REPOSITORY_SOURCE;
const tagPattern = TAG_SOURCE;
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';

/** The whole reference, name still undivided: 1 name, 2 tag, 3 digest. */
const REFERENCE = new RegExp(`^((?:${domainAndPort}/)?${remoteName})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const DOMAIN = new RegExp(`^${domainAndPort}$`);
const REMOTE_NAME = new RegExp(`^${remoteName}$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
/** Digests go-digest validates: registered algorithm, exact lowercase hex length. */
const dockerDigest = (digest: string): boolean => isValidDigest(digest, { algorithms: REFERENCE_DIGEST_ALGORITHMS });

/**
 * Template and shell variables that leave a value unknown until something renders it:
 * `${TAG}`, `${TAG:-1.0}`, `$TAG`, `$(TAG)` (Kubernetes), `{{ .Values.tag }}` (Helm, Go
 * templates, Jinja, Mustache), `{% … %}`, `<%= … %>` (ERB), `#{…}` (Ruby, Octopus).
 */
const VARIABLE = /\$\{|\$\(|\$[A-Za-z_]|\{\{|\{%|<%|#\{/;

/**
 * Whether `value` contains a template or shell variable, so that its final value is not
 * known from the file. imgsync leaves such values alone.
 *
 * @example
 * hasUnresolvedVariables('ghcr.io/acme/app:${TAG}')                                   // true
 * hasUnresolvedVariables('{{ .Values.image.repository }}:{{ .Values.image.tag }}')    // true
 * hasUnresolvedVariables('ghcr.io/stefanprodan/podinfo:6.14.1')                       // false
 */
export function hasUnresolvedVariables(value: string): boolean {
  return VARIABLE.test(value);
}

/**
 * Docker's `splitDockerDomain`: the written registry (or `undefined`), the written
 * repository, and their normalised forms.
 */
function splitDomain(name: string): Pick<ImageRef, 'registry' | 'repository' | 'domain' | 'path'> {
  const slash = name.indexOf('/');
  let registry: string | undefined;
  let repository = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first === 'localhost' || /[.:]/.test(first) || first.toLowerCase() !== first) {
      registry = first;
      repository = name.slice(slash + 1);
    }
  }
  const domain = registry === undefined || registry === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : registry;
  const path = domain === DEFAULT_DOMAIN && !repository.includes('/') ? OFFICIAL_PREFIX + repository : repository;
  return { registry, repository, domain, path };
}

function reject(problem: ImageRefProblem, message: string): ImageRefCheck {
  return { ok: false, problem, message };
}

/**
 * Parses `value` as an image reference, or says why it is not one (see the file comment
 * for the grammar and {@link ParseImageRefOptions.strict} for scanning arbitrary strings).
 *
 * @example
 * checkImageRef('nginx:1.25')
 * // { ok: true, ref: { registry: undefined, repository: 'nginx', tag: '1.25', digest: undefined,
 * //                    domain: 'docker.io', path: 'library/nginx' } }
 * checkImageRef('${REGISTRY}/app:${TAG}')
 * // { ok: false, problem: 'variables', message: '… contains unresolved variables' }
 */
export function checkImageRef(value: string, options: ParseImageRefOptions = {}): ImageRefCheck {
  if (typeof value !== 'string' || value === '') return reject('empty', 'an image reference cannot be empty');
  const shown = JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
  if (value.length > REFERENCE_LENGTH_MAX) {
    return reject('too-long', `${shown} is longer than any image reference (${REFERENCE_LENGTH_MAX} characters)`);
  }
  if (hasUnresolvedVariables(value)) return reject('variables', `${shown} contains unresolved variables`);
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value)) {
    return reject('url', `${shown} is a URL; image references have no scheme`);
  }
  if (/^(?:\.{1,2}\/|\/|~\/)|^\.{1,2}$/.test(value)) return reject('path', `${shown} is a file path`);
  if (IDENTIFIER.test(value)) {
    return reject('identifier', `${shown} is a 64-hex image id, not a repository name`);
  }
  const match = REFERENCE.exec(value);
  if (!match) {
    const beforeTag = value.split('@')[0] ?? '';
    const remainder = splitDomain(beforeTag).repository.replace(/:[^/]*$/, '');
    if (remainder !== remainder.toLowerCase() && REMOTE_NAME.test(remainder.toLowerCase())) {
      return reject('uppercase', `${shown}: repository name ${JSON.stringify(remainder)} must be lowercase`);
    }
    return reject('syntax', `${shown} is not an image reference ([registry/]repository[:tag][@digest])`);
  }
  const [, name = '', tag, digest] = match;
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    return reject('too-long', `${shown}: repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const parts = splitDomain(name);
  if (parts.registry !== undefined && !DOMAIN.test(parts.registry)) {
    return reject('syntax', `${shown}: ${JSON.stringify(parts.registry)} is not a registry host[:port]`);
  }
  if (!REMOTE_NAME.test(parts.repository)) {
    return reject('syntax', `${shown}: ${JSON.stringify(parts.repository)} is not a repository path`);
  }
  if (digest !== undefined && !dockerDigest(digest)) {
    return reject('digest', `${shown}: digest must be sha256:, sha384: or sha512: with lowercase hex of full length`);
  }
  if (options.strict) {
    if (tag === undefined && digest === undefined) {
      return reject('no-tag', `${shown} has neither tag nor digest (required in strict mode)`);
    }
    const last = parts.repository.slice(parts.repository.lastIndexOf('/') + 1);
    if (!/[a-z]/.test(last)) return reject('not-a-name', `${shown} has no letter in its name (strict mode)`);
  }
  return { ok: true, ref: { ...parts, tag, digest } };
}

/**
 * Parses `value` as an image reference; `undefined` when it is not one. Use
 * {@link checkImageRef} to learn why.
 *
 * @example
 * parseImageRef('ghcr.io/stefanprodan/podinfo:6.14.1')?.tag // '6.14.1'
 * parseImageRef('nginx')?.path                             // 'library/nginx'
 * parseImageRef('nginx', { strict: true })                 // undefined: no tag or digest
 * parseImageRef('{{ .Values.image }}')                     // undefined
 */
export function parseImageRef(value: string, options: ParseImageRefOptions = {}): ImageRef | undefined {
  const result = checkImageRef(value, options);
  return result.ok ? result.ref : undefined;
}

/**
 * Writes a reference back in the spelling it was parsed from: registry and repository as
 * written, then `:tag`, then `@digest`. `formatImageRef(parseImageRef(s)!) === s` for every
 * reference `s`.
 *
 * @example
 * formatImageRef(withTag(parseImageRef('nginx:1.25')!, '1.27')) // 'nginx:1.27'
 */
export function formatImageRef(ref: ImageRef): string {
  let out = ref.registry === undefined ? ref.repository : `${ref.registry}/${ref.repository}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/**
 * The normalised name `domain/path`, for comparing references and asking registries.
 *
 * @example
 * normalizedName(parseImageRef('nginx:1.25')!)             // 'docker.io/library/nginx'
 * normalizedName(parseImageRef('index.docker.io/bitnami/redis')!) // 'docker.io/bitnami/redis'
 */
export function normalizedName(ref: ImageRef): string {
  return `${ref.domain}/${ref.path}`;
}

/**
 * The same reference with `tag`. The digest is dropped: it identified the old tag's image,
 * and keeping it would pin the old image behind the new tag's name. Callers that pin call
 * {@link withDigest} with the new tag's digest. Throws `RangeError` for a tag outside the
 * OCI grammar (validate registry data with `isValidTag` first).
 *
 * @example
 * formatImageRef(withTag(parseImageRef('nginx:1.25@sha256:' + 'a'.repeat(64))!, '1.27')) // 'nginx:1.27'
 */
export function withTag(ref: ImageRef, tag: string): ImageRef {
  if (!isValidTag(tag)) throw new RangeError(`invalid tag ${JSON.stringify(tag)}`);
  return { ...ref, tag, digest: undefined };
}

/**
 * The same reference pinned to `digest` (the tag, if any, is kept: `nginx:1.27@sha256:…`
 * documents which tag the pin came from). Throws `RangeError` for a digest Docker would
 * not accept.
 *
 * @example
 * formatImageRef(withDigest(parseImageRef('nginx:1.27')!, 'sha256:' + 'b'.repeat(64)))
 * // 'nginx:1.27@sha256:bbbb…'
 */
export function withDigest(ref: ImageRef, digest: string): ImageRef {
  if (!dockerDigest(digest)) {
    throw new RangeError(`invalid digest ${JSON.stringify(digest)}`);
  }
  return { ...ref, digest };
}
