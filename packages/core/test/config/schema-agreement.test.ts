/**
 * The shipped JSON Schema and the loader agree on the shape of a config: over a table of
 * configs touching every setting, valid and invalid (the 26 disagreements of issue 13
 * among them), Ajv (draft 2020-12, strict) on schema/imgsync.schema.json and
 * `checkConfigText` give the same verdict wherever the schema can say it. Where only a
 * code-only rule refuses a config the schema accepts, the case names the rule, and every
 * problem the loader reports comes from one of the rules named.
 */
import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/config/index.js';
import { schemaErrors } from './helpers/shipped-schema.js';

type Verdict = 'valid' | 'shape' | { rules: string[] };

const T = 'targets:\n  - files: images.yml\n';
/** A target of `format` with `settings` (lines of `key: value`). */
const target = (format: string | undefined, ...settings: string[]) =>
  `targets:\n  - files: images.yml\n${format === undefined ? '' : `    format: ${format}\n`}${settings.map((line) => `    ${line}\n`).join('')}`;
const registries = (...lines: string[]) => `${T}registries:\n${lines.map((line) => `  ${line}\n`).join('')}`;
const git = (...lines: string[]) => `${T}git:\n${lines.map((line) => `  ${line}\n`).join('')}`;
const rule = (...rules: string[]): Verdict => ({ rules });
const token = `ghp_${'A1b2C3d4E5'.repeat(4)}`;

const CASES: [string, string, Verdict][] = [
  // the file and its top level
  ['the smallest config', T, 'valid'],
  ['$schema', `$schema: ./node_modules/@imgsync/core/schema/imgsync.schema.json\n${T}`, 'valid'],
  ['no targets', 'git: { branch: main }\n', 'shape'],
  ['an empty targets list', 'targets: []\n', 'shape'],
  ['targets as a mapping', 'targets:\n  files: images.yml\n', 'shape'],
  ['targets left empty', 'targets:\n', 'shape'],
  ['an unknown top-level key', `${T}remote: origin\n`, 'shape'],
  ['a target setting at the top level', `registry: docker.io\n${T}`, 'shape'],
  ['a target that is a string', 'targets:\n  - images.yml\n', 'shape'],
  ['a number as $schema', `$schema: 3\n${T}`, 'shape'],
  // files
  ['files as a list', 'targets:\n  - files: [a.yml, "deploy/**/*.yaml", "!deploy/old/**"]\n', 'valid'],
  ['files missing', 'targets:\n  - format: backendai\n', 'shape'],
  ['files left empty', 'targets:\n  - files:\n', 'shape'],
  ['an empty files list', 'targets:\n  - files: []\n', 'shape'],
  ['files: /etc/passwd (issue 13)', 'targets:\n  - files: /etc/passwd\n', 'shape'],
  ['an absolute excluded pattern', 'targets:\n  - files: [a.yml, "!/etc/x"]\n', 'shape'],
  ['a Windows absolute path', 'targets:\n  - files: "C:\\\\images.yml"\n', 'shape'],
  ['a blank files pattern', 'targets:\n  - files: "  "\n', 'shape'],
  ['a number in files', 'targets:\n  - files: [a.yml, 3]\n', 'shape'],
  ['.. in files without git.url', 'targets:\n  - files: ../other/images.yml\n', 'valid'],
  ['.. in files with git.url', 'targets:\n  - files: ../other/images.yml\ngit: { url: "https://github.com/o/r.git" }\n', rule('files-inside-repository')],
  // format
  [
    'every format',
    'targets:\n' + ['backendai', 'image-refs', 'helm-values', 'kustomize', 'auto'].map((f) => `  - { files: x.yml, format: ${f} }\n`).join(''),
    'valid',
  ],
  ['format left empty (issue 13)', target(undefined, 'format:'), 'valid'],
  ['a misspelt format', target('backendia'), 'shape'],
  ['a format that is a list', target('[backendai]'), 'shape'],
  // registry
  [
    'registry hosts and URLs',
    'targets:\n' +
      ['docker.io', 'ghcr.io', '"127.0.0.1:5000"', 'http://127.0.0.1:5000', 'https://harbor.example.com/proxy', '"[::1]:5000"', 'file:snap.json']
        .map((r) => `  - { files: x.yml, registry: ${r} }\n`)
        .join(''),
    'valid',
  ],
  ['registry: "ftp://x" (issue 13)', target(undefined, 'registry: "ftp://x"'), 'shape'],
  ['registry: "file:" (issue 13)', target(undefined, 'registry: "file:"'), 'shape'],
  ['credentials in a registry URL (issue 13)', target(undefined, 'registry: "https://user:pw@ghcr.io"'), 'shape'],
  ['a registry that is a list', target(undefined, 'registry: [docker.io]'), 'shape'],
  ['a registry with a space', target(undefined, 'registry: "my registry"'), 'shape'],
  ['a registry port out of range', target(undefined, 'registry: "localhost:99999"'), rule('registry-address')],
  ['registry left empty', target(undefined, 'registry:'), 'valid'],
  // repository
  ['a repository template', target('backendai', 'repository: lablup/kernel-{name}'), 'valid'],
  ['repository: lablup/{nam} (issue 13)', target('backendai', 'repository: lablup/{nam}'), 'shape'],
  ['an uppercase repository', target('backendai', 'repository: Lablup/x'), 'shape'],
  ['a repository on image-refs', target('image-refs', 'repository: x/{name}'), 'shape'],
  ['a repository on auto', target(undefined, 'repository: x/{name}'), 'valid'],
  // tags
  [
    'a full tag policy',
    target('backendai', "tags: { include: '^\\d', exclude: ['-rc\\d*$', '(?i)-debug$'], semver: '>=1', sort: version, latest: { pattern: '-ubuntu$' } }"),
    'valid',
  ],
  ['tags left empty (issue 13)', target(undefined, 'tags:'), 'valid'],
  ['latest left empty (issue 13)', target('backendai', 'tags:', '  latest:'), 'valid'],
  ['latest without a pattern', target('backendai', 'tags: { latest: {} }'), 'valid'],
  ['an invalid include regex (issue 13)', target(undefined, 'tags: { include: "[a-" }'), rule('regex-compiles')],
  ['an invalid exclude regex in a list (issue 13)', target(undefined, "tags: { exclude: ['-rc$', '('] }"), rule('regex-compiles')],
  ['an invalid latest pattern (issue 13)', target('backendai', 'tags: { latest: { pattern: "*" } }'), rule('regex-compiles')],
  ['semver: "abc" (issue 13)', target(undefined, 'tags: { semver: "abc" }'), rule('semver-range')],
  ['an unquoted semver number', target(undefined, 'tags: { semver: 1.10 }'), 'shape'],
  ['a misspelt sort', target(undefined, 'tags: { sort: semvar }'), 'shape'],
  ['a misspelt tag policy key', target(undefined, 'tags: { includes: x }'), 'shape'],
  ['an empty include list', target(undefined, 'tags: { include: [] }'), 'shape'],
  ['latest on markers', target('markers', 'tags: { latest: { pattern: x } }', 'policies: { a: {} }'), 'shape'],
  ['latest on helm-values', target('helm-values', 'tags: { latest: {} }'), 'shape'],
  ['tags as a string', target(undefined, 'tags: "^1"'), 'shape'],
  // digest, platform, prune, pin
  [
    'every digest form on backendai',
    'targets:\n' + ['image-id-12', 'image-id', 'manifest'].map((d) => `  - { files: x.yml, format: backendai, digest: ${d} }\n`).join(''),
    'valid',
  ],
  ['digest left empty (issue 13)', target(undefined, 'digest:'), 'valid'],
  ['a misspelt digest', target('backendai', 'digest: image-id12'), 'shape'],
  ['image ids for image-refs', target('image-refs', 'digest: image-id-12'), 'shape'],
  ['manifest digests for kustomize', target('kustomize', 'digest: manifest'), 'valid'],
  ['a platform with a variant', target('backendai', 'platform: linux/arm64/v8'), 'valid'],
  ['a platform without architecture', target(undefined, 'platform: linux'), 'shape'],
  ['a platform on kustomize', target('kustomize', 'platform: linux/arm64'), 'shape'],
  ['prune modes', target('backendai', 'prune: comment'), 'valid'],
  ['a misspelt prune', target('backendai', 'prune: delete'), 'shape'],
  ['prune on image-refs', target('image-refs', 'prune: remove'), 'shape'],
  ['pin on helm-values', target('helm-values', 'pin: true'), 'valid'],
  ['pin left empty (issue 13)', target(undefined, 'pin:'), 'valid'],
  ['pin: false on backendai', target('backendai', 'pin: false'), 'valid'],
  ['pin: true on backendai', target('backendai', 'pin: true'), 'shape'],
  ['pin as a string', target('image-refs', 'pin: "yes"'), 'shape'],
  // update and ignore
  ['update levels', target('image-refs', 'update: patch'), 'valid'],
  ['a misspelt update level', target('image-refs', 'update: latest'), 'shape'],
  ['update on backendai', target('backendai', 'update: major'), 'shape'],
  ['ignore rules', target(undefined, 'ignore: [bitnami/*, "redis:>=8", ghcr.io/acme/**, "127.0.0.1:5000/x:^1"]'), 'valid'],
  ['one ignore rule', target(undefined, 'ignore: postgres'), 'valid'],
  ['ignore on backendai', target('backendai', 'ignore: [lablup/*]'), 'shape'],
  ['an ignore rule with a space', target(undefined, 'ignore: ["bitnami redis"]'), 'shape'],
  ['an empty ignore list', target(undefined, 'ignore: []'), 'shape'],
  ['an ignore rule read as a mapping', target(undefined, 'ignore:', '  - redis: ">=8"'), 'shape'],
  ['an ignore rule with an invalid range', target(undefined, 'ignore: ["redis:>=banana"]'), rule('semver-range')],
  ['an ignore rule with an empty range', target(undefined, 'ignore: ["redis:"]'), 'shape'],
  // policies
  [
    'marker policies',
    target(
      'markers',
      'policies:',
      '  podinfo: { repository: stefanprodan/podinfo, tags: { semver: ">=6" } }',
      '  "flux-system:podinfo": { repository: ghcr.io/stefanprodan/podinfo }',
      '  nightly:',
    ),
    'valid',
  ],
  ['policies on auto', target(undefined, 'policies: { a: {} }'), 'valid'],
  ['markers without policies', target('markers'), 'shape'],
  ['a policy name with two colons', target('markers', 'policies: { "a:b:tag": {} }'), 'shape'],
  ['a policy named ignore', target('markers', 'policies: { ignore: { repository: redis } }'), 'shape'],
  ['policies on helm-values', target('helm-values', 'policies: { a: {} }'), 'shape'],
  ['a misspelt marker policy key', target('markers', 'policies: { app: { repo: x/app } }'), 'shape'],
  ['an invalid regex in a marker policy', target('markers', 'policies: { app: { tags: { include: "(" } } }'), rule('regex-compiles')],
  ['a marker policy named token', target('markers', 'policies: { token: { repository: x/token } }'), 'valid'],
  // discover
  ['discover: add', target('backendai', 'repository: lablup/kernel-{name}', 'discover: add'), 'valid'],
  [
    'the long discover form',
    target('backendai', 'repository: lablup/kernel-{name}', 'discover:', '  mode: add', "  exclude: ['*-tester']", '  entry: |', '    slots: {cpu: 1}'),
    'valid',
  ],
  ['discover: off on kustomize', target('kustomize', 'discover: off'), 'valid'],
  ['discover on kustomize', target('kustomize', 'discover: add'), 'shape'],
  ['discover on auto', target(undefined, 'discover: report'), 'shape'],
  ['a misspelt discover mode', target('backendai', 'repository: a/{name}', 'discover: { mode: ad }'), 'shape'],
  ['an exclude glob with a slash', target('backendai', 'repository: a/{name}', 'discover: { mode: add, exclude: "a/b" }'), 'shape'],
  ['an unknown placeholder in entry', target('backendai', 'repository: a/{name}', 'discover: { mode: add, entry: "x: {image}" }'), 'shape'],
  ['an entry that sets name', target('backendai', 'repository: a/{name}', 'discover: { mode: add, entry: "name: x" }'), rule('entry-template')],
  ['an entry that is not YAML of a mapping', target('backendai', 'repository: a/{name}', 'discover: { mode: add, entry: "- a" }'), rule('entry-template')],
  ['discover with a template naming no namespace', target('backendai', 'discover: add'), rule('discover-namespace')],
  // registries
  [
    'registry settings',
    registries(
      'docker.io: { credentials: env:DOCKERHUB_TOKEN, username: env:DOCKERHUB_USER, concurrency: 8, timeoutMs: 20000, retries: 3, hubApiUrl: https://hub.docker.com }',
    ),
    'valid',
  ],
  ['registries.docker.io left empty (issue 13)', registries('docker.io:'), 'valid'],
  ['a file: secret', registries('ghcr.io: { credentials: "file:secrets/ghcr-token", username: imgsync-bot }'), 'valid'],
  ['a literal credential', registries('docker.io: { credentials: hunter2-secret }'), 'shape'],
  ['a password under an unknown key', registries('ghcr.io: { username: bot, password: pa55w0rd }'), 'shape'],
  ['username: env:1BAD (issue 13)', registries('docker.io: { username: "env:1BAD" }'), 'shape'],
  ['username from a file', registries('docker.io: { username: "file:user" }'), 'shape'],
  ['a concurrency of 0', registries('docker.io: { concurrency: 0 }'), 'shape'],
  ['a fractional timeout', registries('docker.io: { timeoutMs: 2.5 }'), 'shape'],
  ['too many retries', registries('docker.io: { retries: 21 }'), 'shape'],
  ['hubApiUrl on a non-Hub registry (issue 13)', registries('ghcr.io: { hubApiUrl: "https://hub.example" }'), rule('registry-settings-apply')],
  ['a snapshot as a registries key', registries('"file:snap.json": {}'), 'shape'],
  ['a registries key that is no address', registries('"ftp://x": {}'), 'shape'],
  ['two spellings of one registry', registries('ghcr.io: {}', 'https://ghcr.io: {}'), rule('one-entry-per-registry')],
  [
    'a mirror and its own entry',
    registries('docker.io: { mirror: "http://127.0.0.1:5000" }', '"127.0.0.1:5000": { credentials: env:MIRROR_TOKEN, insecure: false }'),
    'valid',
  ],
  ['a setting beside mirror', registries('docker.io: { mirror: "http://127.0.0.1:5000", timeoutMs: 5000 }'), 'shape'],
  ['a mirror without scheme', registries('docker.io: { mirror: "127.0.0.1:5000" }'), 'shape'],
  ['a mirror with a query', registries('docker.io: { mirror: "https://m.example?x=1" }'), 'shape'],
  ['a mirror path that is no repository prefix', registries('docker.io: { mirror: "https://harbor.example.com/Docker Hub" }'), 'shape'],
  ['a mirror that is the registry itself', registries('ghcr.io: { mirror: "https://ghcr.io/proxy" }'), rule('mirror-is-another-registry')],
  [
    'mirrors that chain',
    registries('docker.io: { mirror: "http://127.0.0.1:5000" }', '"127.0.0.1:5000": { mirror: "http://127.0.0.1:6000" }'),
    rule('mirror-is-another-registry'),
  ],
  ['insecure on a host', registries('registry.lan:5000: { insecure: true }'), 'valid'],
  ['insecure as a string', registries('registry.lan: { insecure: "true" }'), 'shape'],
  ['insecure for Docker Hub', registries('docker.io: { insecure: true }'), rule('registry-settings-apply')],
  ['insecure beside a scheme in the key', registries('https://registry.lan: { insecure: true }'), rule('registry-settings-apply')],
  ['registries as a list', `${T}registries: [docker.io]\n`, 'shape'],
  // git
  [
    'every git setting',
    git(
      'url: https://github.com/lablup/backend.ai-manager.git',
      'branch: release/23.09',
      'mode: pull-request',
      'author: { name: imgsync, email: imgsync@example.invalid }',
      'token: env:IMGSYNC_GIT_TOKEN',
      'githubApiUrl: https://github.example.com/api/v3',
      'message: "chore(images): {summary}"',
    ),
    'valid',
  ],
  ['git left empty (issue 13)', `${T}git:\n`, 'valid'],
  ['an empty git mapping', `${T}git: {}\n`, 'valid'],
  ['a misspelt git mode', git('mode: pull_request'), 'shape'],
  ['an ssh git url', git('url: "git@github.com:o/r.git"'), 'shape'],
  ['credentials in the git url', git('url: "https://u:p@github.com/o/r.git"'), 'shape'],
  ['a git url port out of range', git('url: "https://github.com:70000/o/r.git"'), rule('url-parses')],
  ['transport github-api on github.com', git('url: https://github.com/lablup/backend.ai-manager.git', 'transport: github-api'), 'valid'],
  [
    'transport github-api on GitHub Enterprise with its API',
    git('url: https://ghe.example.com/o/r.git', 'transport: github-api', 'githubApiUrl: https://ghe.example.com/api/v3'),
    'valid',
  ],
  ['transport auto and clone on any forge', git('url: https://gitlab.com/o/r.git', 'transport: clone'), 'valid'],
  ['a misspelt transport', git('transport: api'), 'shape'],
  ['transport github-api on another forge', git('url: https://gitlab.com/o/r.git', 'transport: github-api'), rule('github-api-transport')],
  ['transport github-api without git.url (the local checkout)', git('transport: github-api'), rule('github-api-transport')],
  [
    'transport github-api for a fleet member on another forge',
    `${T}repositories: [https://github.com/o/a.git, https://gitlab.com/o/b.git]\ngit: { transport: github-api }\n`,
    rule('github-api-transport'),
  ],
  ['git.branch: "a..b" (issue 13)', git('branch: "a..b"'), 'shape'],
  ['a branch ending in .lock', git('branch: main.lock'), 'shape'],
  ['a branch with a space', git('branch: "my branch"'), 'shape'],
  ['an author without email', git('author: { name: bot }'), 'shape'],
  ['an author email without @', git('author: { name: bot, email: bot }'), 'shape'],
  ['a literal git token', git('token: s3cret'), 'shape'],
  ['a number as git token', git('token: 123456789'), 'shape'],
  ['env: without a name', git('token: "env:"'), 'shape'],
  ['an unknown placeholder in the message', git('message: "images: {changes}"'), 'shape'],
  ['an unknown git key', git('remote: origin'), 'shape'],
  // secrets anywhere
  ['a token-shaped string in a message (issue 13)', git(`message: "bump {summary} ${token}"`), rule('no-token-in-file')],
  ['a Docker Hub token as a repository (issue 13)', target('backendai', `repository: dckr_pat_${'x'.repeat(27)}`), rule('no-token-in-file')],
  ['an AWS key id in files', target(undefined).replace('images.yml', 'AKIAABCDEFGHIJKLMNOP.yml'), rule('no-token-in-file')],
  // YAML features the loader reads
  [
    'a merge key between targets',
    'targets:\n  - &first\n    files: a.yml\n    format: backendai\n    prune: comment\n  - <<: *first\n    files: b.yml\n',
    'valid',
  ],
];

describe('the shipped schema and the loader', () => {
  it('are tried on at least 100 configs, the 26 of issue 13 among them', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(CASES.filter(([name]) => name.includes('(issue 13')).length).toBeGreaterThanOrEqual(20);
    expect(new Set(CASES.map(([name]) => name)).size).toBe(CASES.length);
  });

  it.each(CASES)('%s', (_name, text, verdict) => {
    const schema = schemaErrors(text);
    const problems = checkConfigText(text, 'imgsync.config.yaml');
    if (verdict === 'valid') {
      expect(problems).toEqual([]);
      expect(schema).toEqual([]);
    } else if (verdict === 'shape') {
      expect(schema, 'the schema refuses it').not.toEqual([]);
      expect(problems, 'the loader refuses it').not.toEqual([]);
      // by its shape check (or, for a secret, by the secret rule that speaks before it)
      expect(problems.some((problem) => problem.rule === undefined || problem.rule === 'secret-reference')).toBe(true);
      for (const problem of problems) expect(problem.line, problem.message).toBeGreaterThan(0);
    } else {
      expect(schema, 'the schema cannot say it').toEqual([]);
      expect(problems).not.toEqual([]);
      expect([...new Set(problems.map((problem) => problem.rule))]).toEqual(verdict.rules);
    }
  });
});
