/**
 * `registries`: settings per registry, keyed by the registry's address as targets write
 * it. An entry either holds `mirror` alone (the registry's repositories are looked up at
 * the mirror, whose own entry holds its credentials and limits) or the direct settings.
 *
 * Code-only rules: two keys for one registry, `hubApiUrl` only for docker.io, `insecure`
 * only where it decides something, a mirror that is not the registry itself and has no
 * mirror of its own.
 */
import * as z from 'zod';
import { PATH_COMPONENT_SOURCE } from '../../image-ref/grammar.js';
import { parseRegistryAddress } from '../../registry/registry-address.js';
import { parseRef } from '../env-refs.js';
import { describeValue, isMapping, valueAt } from '../problems.js';
import { secretRef } from './secret-ref.js';
import { HOST_PATTERN, REGISTRY_ADDRESS_PATTERN, registryProblem } from './target.js';
import { httpUrl } from './url.js';
import { bool, integer, mapping, noted, optional, textMatching } from './values.js';

const registryKey = textMatching(
  'a registry address such as docker.io, ghcr.io or http://127.0.0.1:5000',
  new RegExp(`^(?!file:)${REGISTRY_ADDRESS_PATTERN}$`, 'u'),
  (key) => (key.startsWith('file:') ? 'a registry snapshot needs no settings; list live registries here' : registryProblem(key)),
);

const username = textMatching('a user name or an env:NAME reference', /^(?!file:)(?!env:(?![A-Za-z_][A-Za-z0-9_]*$))/u, (value) =>
  parseRef(value).kind === 'file'
    ? 'must be a user name or an env:NAME reference (file: is for secrets)'
    : `env: must be followed by a variable name such as DOCKERHUB_USER (got ${JSON.stringify(value)})`,
);

/** A mirror's path is a repository prefix: lowercase letters, digits, . _ - and /. */
const MIRROR_URL = new RegExp(`^https?://${HOST_PATTERN}(?:/${PATH_COMPONENT_SOURCE})*/?$`, 'u');

/** Why a URL that starts right is no mirror URL; `undefined` when it does not start with http(s)://HOST. */
function mirrorProblem(value: string): string | undefined {
  if (!new RegExp(`^https?://${HOST_PATTERN}(?:[/?#]|$)`, 'u').test(value)) return undefined;
  if (/[?#]/.test(value)) return 'must be a registry URL without ?query or #fragment, such as http://127.0.0.1:5000';
  let path = value.replace(/^https?:\/\/[^/]*/, '');
  try {
    path = new URL(value).pathname;
  } catch {
    // shown as written
  }
  return `its path ${JSON.stringify(path.replace(/^\/+|\/+$/g, ''))} must be a repository prefix (lowercase letters, digits, . _ - and /), such as https://harbor.example.com/dockerhub`;
}

const mirror = noted(httpUrl(mirrorProblem).regex(MIRROR_URL, { error: (issue) => mirrorProblem(String(issue.input)) }), {
  expected: 'an http or https URL of another registry',
});

const mirrorDescription =
  "Look this registry's repositories up at this registry instead (pull-through cache, air-gapped copy, local registry); the files keep the original references. " +
  "Its path, if any, prefixes repository names. The entry then holds nothing else: the mirror's credentials and limits go under the mirror's own entry. " +
  'Checked by imgsync beyond this schema: the mirror is another registry, with no mirror of its own.';

const mirrorEntry = mapping(
  { mirror: mirror.describe(mirrorDescription).meta({ examples: ['http://127.0.0.1:5000', 'https://harbor.example.com/dockerhub'] }) },
  {
    unknownKey: (key, { keyPath, root }) => {
      const settings = valueAt(root, keyPath);
      const url = isMapping(settings) && typeof settings.mirror === 'string' ? settings.mirror : undefined;
      let host = url ?? 'the mirror';
      try {
        if (url) host = parseRegistryAddress(url).host;
      } catch {
        // the mirror's own problem is reported at it
      }
      const registry = String(keyPath[keyPath.length - 1]);
      let name = registry;
      try {
        name = parseRegistryAddress(registry).name;
      } catch {
        // the key's own problem is reported at it
      }
      return {
        message:
          `does not apply beside mirror: every request for ${name} goes to the mirror, and credentials and limits belong to ` +
          `the host that receives them; put it under registries[${JSON.stringify(host)}] (the mirror's own entry)`,
        part: 'key',
      };
    },
  },
).meta({ id: 'mirroredRegistry', title: 'a registry looked up at a mirror' });

const directEntry = mapping({
  credentials: optional(secretRef, 'Password or token for the registry: env:NAME or file:PATH.').meta({ examples: ['env:DOCKERHUB_TOKEN'] }),
  username: optional(username, 'User name, as written or as env:NAME.'),
  concurrency: optional(integer(1, 256), 'Requests in flight at once. Default: 8.'),
  timeoutMs: optional(integer(1, 3_600_000), 'Timeout per attempt in milliseconds. Default: 30000.'),
  retries: optional(integer(0, 20), 'Retries after the first attempt. Default: 3.'),
  hubApiUrl: optional(
    httpUrl(),
    'Docker Hub listing API base. Default: https://hub.docker.com. Checked by imgsync beyond this schema: only on the docker.io entry.',
  ),
  authServer: optional(
    textMatching(
      "the host of the registry's token service, such as gitlab.com (or its https URL)",
      new RegExp(`^(?:https://)?${HOST_PATTERN}(?:/[^\\s?#@]*)?$`, 'iu'),
      (value) =>
        `must be the host of the registry's token service, such as gitlab.com (or its https URL), without credentials; got ${value.includes('@') ? 'a value with credentials (not shown)' : JSON.stringify(value)}`,
    ),
    "A token service on another host that may receive this registry's credentials (its own host always may; docker.io's auth.docker.io is built in). Only over https.",
  ),
  insecure: optional(
    bool(),
    'true: plain HTTP to this host; false: HTTPS even for a loopback host. Default: HTTPS, except localhost, 127.0.0.0/8 and [::1] (plain HTTP, as docker does). ' +
      'Checked by imgsync beyond this schema: not for docker.io, nor for a key written with http:// or https://.',
  ),
}).meta({ id: 'registrySettings', title: 'settings of a registry' });

const entry = noted(z.union([mirrorEntry, directEntry]), {
  expected: 'a mapping',
  pick: (input) => (isMapping(input) && input.mirror !== undefined ? 0 : 1),
  mismatch: (input) => (isMapping(input) ? undefined : `must be a mapping (got ${describeValue(input)})`),
});

/** The keys of a registry entry, mirror included, in the order the reference lists them. */
export const REGISTRY_SETTINGS_KEYS = [...Object.keys(directEntry.shape).slice(0, -1), 'mirror', 'insecure'];

export const registries = noted(
  z.record(registryKey, entry.nullish(), {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input !== undefined
        ? `must be a mapping from registry address to settings, such as docker.io: { credentials: env:DOCKERHUB_TOKEN } (got ${describeValue(issue.input)})`
        : undefined,
  }),
  { expected: 'a mapping from registry address to settings' },
).describe(
  'Settings per registry, keyed by its address as targets write it (docker.io, ghcr.io, http://127.0.0.1:5000). Checked by imgsync beyond this schema: one entry per registry, however spelt.',
);
