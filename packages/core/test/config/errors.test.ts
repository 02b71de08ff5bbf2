/**
 * Every kind of config mistake is a ConfigError naming the file, the line and column of
 * the offending key or value, the key path, and what to write instead.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { CONFIG_ENUMS, parseConfig } from '../../src/config/index.js';
import { FORMATS as ADAPTERS } from '../../src/formats/index.js';

const PATH = 'imgsync.config.yaml';

/** The ConfigError that parsing `lines` (joined with \n) throws. */
function errorOf(lines: string[], path = PATH): ConfigError {
  try {
    parseConfig(`${lines.join('\n')}\n`, path, { cwd: '/work/project' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

// The lists of formats that messages spell out, read off the adapters, so that a new format changes no test here.
const FORMATS = CONFIG_ENUMS.format.join(', ');
const PINNABLE = [...ADAPTERS.filter((adapter) => adapter.pins).map((adapter) => adapter.name), 'auto'].join(', ');
const MOVING = [...ADAPTERS.filter((adapter) => adapter.movesTags).map((adapter) => adapter.name), 'auto'].join(', ');

describe('parseConfig errors', () => {
  it.each<[string, string[], string]>([
    [
      'a misspelt enum value, with the closest value',
      ['targets:', '  - files: images.yml', '    format: backendia'],
      `imgsync.config.yaml:3:13: targets[0].format: must be one of ${FORMATS} (got "backendia"); did you mean "backendai"?`,
    ],
    [
      'an enum value far from every valid one, without a guess',
      ['targets:', '  - files: images.yml', '    format: terraform'],
      `imgsync.config.yaml:3:13: targets[0].format: must be one of ${FORMATS} (got "terraform")`,
    ],
    [
      'a misspelt key, at the key',
      ['targets:', '  - files: images.yml', '    formt: backendai'],
      'imgsync.config.yaml:3:5: targets[0].formt: unknown key; did you mean "format"?',
    ],
    [
      'an unknown key with no near match, listing the allowed keys',
      ['targets:', '  - files: images.yml', 'git:', '  remote: origin'],
      'imgsync.config.yaml:4:3: git.remote: unknown key; allowed keys: url, branch, mode, author, token, githubApiUrl, transport, message',
    ],
    [
      'a target setting written at the top level',
      ['registry: docker.io', 'targets:', '  - files: images.yml'],
      'imgsync.config.yaml:1:1: registry: is a target setting; move it under each entry of targets',
    ],
    [
      'a misspelt tag policy key',
      ['targets:', '  - files: images.yml', '    tags:', '      includes: "^3"'],
      'imgsync.config.yaml:4:7: targets[0].tags.includes: unknown key; did you mean "include"?',
    ],
    [
      'a string where a boolean belongs',
      ['targets:', '  - files: images.yml', '    format: image-refs', '    pin: "yes"'],
      'imgsync.config.yaml:4:10: targets[0].pin: must be true or false (got "yes")',
    ],
    [
      'a list where a string belongs',
      ['targets:', '  - files: images.yml', '    registry: [docker.io]'],
      'imgsync.config.yaml:3:15: targets[0].registry: must be a registry such as docker.io, ghcr.io, http://127.0.0.1:5000 or file:snapshot.json (got a list)',
    ],
    [
      'a number out of range',
      ['targets:', '  - files: images.yml', 'registries:', '  docker.io: { concurrency: 0 }'],
      'imgsync.config.yaml:4:29: registries["docker.io"].concurrency: must be a whole number from 1 to 256 (got 0)',
    ],
    [
      'an invalid regular expression in a list, at the list item',
      ['targets:', '  - files: images.yml', '    tags:', "      exclude: ['-rc$', '(']"],
      'imgsync.config.yaml:4:25: targets[0].tags.exclude[1]: invalid exclude pattern "(": Invalid regular expression: /(/: Unterminated group',
    ],
    [
      'an invalid regular expression as a single string',
      ['targets:', '  - files: images.yml', '    tags: { include: "[a-" }'],
      'imgsync.config.yaml:3:22: targets[0].tags.include: invalid include pattern "[a-": Invalid regular expression: /[a-/: Unterminated character class',
    ],
    [
      'an invalid latest pattern',
      ['targets:', '  - files: images.yml', '    tags:', '      latest: { pattern: "*" }'],
      'imgsync.config.yaml:4:26: targets[0].tags.latest.pattern: invalid latest pattern "*": Invalid regular expression: /*/: Nothing to repeat',
    ],
    [
      'an invalid semver range',
      ['targets:', '  - files: images.yml', '    tags:', "      semver: '>=banana'"],
      'imgsync.config.yaml:4:15: targets[0].tags.semver: invalid semver range ">=banana": expected a range such as ">=1.2 <2", "^3" or "~1.2"',
    ],
    [
      'an unquoted semver version that YAML reads as a number',
      ['targets:', '  - files: images.yml', '    tags:', '      semver: 1.10'],
      'imgsync.config.yaml:4:15: targets[0].tags.semver: must be a quoted semver range such as ">=1.2 <2" (got the number 1.1; write it in quotes)',
    ],
    [
      'a misspelt sort',
      ['targets:', '  - files: images.yml', '    tags: { sort: semvar }'],
      'imgsync.config.yaml:3:19: targets[0].tags.sort: must be one of version, semver, numeric, alphabetical, pushed (got "semvar"); did you mean "semver"?',
    ],
    ['a missing required key, at the mapping', ['targets:', '  - format: backendai'], 'imgsync.config.yaml:2:5: targets[0]: missing required key "files"'],
    [
      'a required key left empty, at the key',
      ['targets:', '  - files:', '    format: backendai'],
      'imgsync.config.yaml:2:5: targets[0].files: must not be empty',
    ],
    ['no targets', ['git:', '  branch: main'], 'imgsync.config.yaml:1:1: missing required key "targets"'],
    ['an empty targets list', ['targets: []'], 'imgsync.config.yaml:1:10: targets: must list at least one target, such as - files: images.yml'],
    ['targets as a mapping', ['targets:', '  files: images.yml'], 'imgsync.config.yaml:2:3: targets: must be a list of targets (got a mapping)'],
    [
      'an empty files list',
      ['targets:', '  - files: []'],
      'imgsync.config.yaml:2:12: targets[0].files: must be a file or glob pattern or a non-empty list of them (got an empty list)',
    ],
    [
      'an absolute files pattern',
      ['targets:', '  - files: /etc/images.yml'],
      `imgsync.config.yaml:2:12: targets[0].files: must be relative to the config file's directory, or with git.url to the repository's root (got "/etc/images.yml")`,
    ],
    [
      'a files pattern leaving the cloned repository',
      ['targets:', '  - files: [a.yml, ../other/b.yml]', 'git:', '  url: https://github.com/o/r.git'],
      'imgsync.config.yaml:2:20: targets[0].files[1]: must stay inside the cloned repository; ".." is not allowed with git.url (got "../other/b.yml")',
    ],
    [
      'a repository with uppercase letters',
      ['targets:', '  - files: images.yml', '    repository: Lablup/kernel-{name}'],
      `imgsync.config.yaml:3:17: targets[0].repository: "Lablup/kernel-{name}" is not a valid repository name: use lowercase letters, digits and . _ - separators, path components joined by /, and {name} for the entry's name`,
    ],
    [
      'an unknown placeholder in repository',
      ['targets:', '  - files: images.yml', '    repository: lablup/{image}'],
      `imgsync.config.yaml:3:17: targets[0].repository: unknown placeholder {image}; only {name} (the entry's name) is replaced`,
    ],
    [
      'an invalid platform',
      ['targets:', '  - files: images.yml', '    platform: amd64'],
      'imgsync.config.yaml:3:15: targets[0].platform: invalid platform "amd64": expected os/architecture[/variant], such as "linux/amd64" or "linux/arm64/v8"',
    ],
    [
      'a misspelt digest form',
      ['targets:', '  - files: images.yml', '    digest: image-id12'],
      'imgsync.config.yaml:3:13: targets[0].digest: must be one of image-id-12, image-id, manifest (got "image-id12"); did you mean "image-id-12"?',
    ],
    [
      'pin on a format that has nothing to pin',
      ['targets:', '  - files: images.yml', '    format: backendai', '    pin: true'],
      `imgsync.config.yaml:4:10: targets[0].pin: applies only to formats ${PINNABLE}; backendai files hold no pinnable references`,
    ],
    [
      'a misspelt update level',
      ['targets:', '  - files: compose.yaml', '    update: majr'],
      'imgsync.config.yaml:3:13: targets[0].update: must be one of major, minor, patch (got "majr"); did you mean "major"?',
    ],
    [
      'update on a format whose tags do not move',
      ['targets:', '  - files: images.yml', '    format: backendai', '    update: major'],
      `imgsync.config.yaml:4:5: targets[0].update: applies only to formats ${MOVING}; backendai files follow every tag the registry has, none moves`,
    ],
    [
      'ignore on a format whose tags do not move',
      ['targets:', '  - files: images.yml', '    format: backendai', '    ignore: [lablup/kernel-go]'],
      `imgsync.config.yaml:4:5: targets[0].ignore: applies only to formats ${MOVING}; backendai files follow every tag the registry has, none moves`,
    ],
    [
      'an ignore rule with an invalid range, at the list item',
      ['targets:', '  - files: compose.yaml', '    ignore:', '      - bitnami/*', '      - redis:>=banana'],
      'imgsync.config.yaml:5:9: targets[0].ignore[1]: "redis:>=banana": invalid semver range ">=banana" after ":"; write one such as redis:>=8 or redis:8.x',
    ],
    [
      'an ignore rule that YAML read as a mapping (a space after the colon)',
      ['targets:', '  - files: compose.yaml', '    ignore:', '      - redis: ">=8"'],
      'imgsync.config.yaml:4:9: targets[0].ignore[0]: must be a string such as "redis:>=8" (got a mapping: YAML read "redis: >=8" as a key and a value; write it without a space after ":", or quote it)',
    ],
    [
      'an ignore rule that is no repository glob',
      ['targets:', '  - files: compose.yaml', '    ignore: "Bitnami Redis"'],
      'imgsync.config.yaml:3:13: targets[0].ignore: "Bitnami Redis" is not a repository glob such as bitnami/* or ghcr.io/acme/**, optionally followed by :RANGE such as redis:>=8',
    ],
    [
      'a marker policy named ignore',
      ['targets:', '  - files: compose.yaml', '    format: markers', '    policies:', '      ignore: { repository: redis }'],
      'imgsync.config.yaml:5:7: targets[0].policies.ignore: policy name "ignore" is reserved: "# imgsync: ignore" freezes the value it follows; choose another name',
    ],
    [
      'policies on a format without markers',
      ['targets:', '  - files: values.yaml', '    format: helm-values', '    policies:', '      app: { repository: x/app }'],
      "imgsync.config.yaml:4:5: targets[0].policies: applies only to formats markers, auto (this target's format is helm-values)",
    ],
    [
      'the markers format without policies',
      ['targets:', '  - files: compose.yaml', '    format: markers'],
      'imgsync.config.yaml:2:5: targets[0]: format markers needs policies: { NAME: { repository: ..., tags: {...} } } for the markers to name',
    ],
    [
      'a policy name with more than a namespace and a name',
      ['targets:', '  - files: podinfo.yaml', '    format: markers', '    policies:', '      "flux-system:podinfo:tag": { repository: x/app }'],
      'imgsync.config.yaml:5:7: targets[0].policies["flux-system:podinfo:tag"]: policy name "flux-system:podinfo:tag" must be NAME or NAMESPACE:NAME (as Flux markers write it), each part starting with a letter or digit and holding only letters, digits, ".", "_" and "-"',
    ],
    [
      'a misspelt key inside a marker policy',
      ['targets:', '  - files: compose.yaml', '    format: markers', '    policies:', '      app: { repo: x/app }'],
      'imgsync.config.yaml:5:14: targets[0].policies.app.repo: unknown key; did you mean "repository"?',
    ],
    [
      'an invalid registry address',
      ['targets:', '  - files: images.yml', '    registry: ftp://example.com'],
      'imgsync.config.yaml:3:15: targets[0].registry: invalid registry "example.com": only http and https are supported',
    ],
    [
      'file: without a snapshot path',
      ['targets:', '  - files: images.yml', '    registry: "file:"'],
      'imgsync.config.yaml:3:15: targets[0].registry: file: must be followed by the path of a registry snapshot, such as file:registry-snapshot.json',
    ],
    [
      'two spellings of one registry',
      ['targets:', '  - files: images.yml', 'registries:', '  ghcr.io: {}', '  https://ghcr.io: {}'],
      'imgsync.config.yaml:5:3: registries["https://ghcr.io"]: names the same registry as "ghcr.io" (ghcr.io); keep one entry',
    ],
    [
      'hubApiUrl for a registry that is not Docker Hub',
      ['targets:', '  - files: images.yml', 'registries:', '  ghcr.io:', '    hubApiUrl: https://hub.example'],
      'imgsync.config.yaml:5:5: registries["ghcr.io"].hubApiUrl: applies only to docker.io (the Docker Hub listing API)',
    ],
    [
      'two spellings of one loopback registry (plain http either way)',
      ['targets:', '  - files: images.yml', 'registries:', '  127.0.0.1:5000: {}', '  http://127.0.0.1:5000: {}'],
      'imgsync.config.yaml:5:3: registries["http://127.0.0.1:5000"]: names the same registry as "127.0.0.1:5000" (127.0.0.1:5000); keep one entry',
    ],
    [
      'a setting beside mirror, which would not apply',
      ['targets:', '  - files: compose.yaml', 'registries:', '  docker.io:', '    mirror: http://127.0.0.1:5000', '    credentials: env:HUB_TOKEN'],
      'imgsync.config.yaml:6:5: registries["docker.io"].credentials: does not apply beside mirror: every request for docker.io goes to the mirror, ' +
        'and credentials and limits belong to the host that receives them; put it under registries["127.0.0.1:5000"] (the mirror\'s own entry)',
    ],
    [
      'a mirror without scheme',
      ['targets:', '  - files: compose.yaml', 'registries:', '  docker.io: { mirror: "localhost:5000" }'],
      'imgsync.config.yaml:4:24: registries["docker.io"].mirror: must be an http or https URL (got "localhost:5000")',
    ],
    [
      'a mirror that is the registry itself',
      ['targets:', '  - files: compose.yaml', 'registries:', '  ghcr.io: { mirror: "https://ghcr.io/proxy" }'],
      'imgsync.config.yaml:4:22: registries["ghcr.io"].mirror: names the registry itself; a mirror is another registry, such as http://127.0.0.1:5000',
    ],
    [
      'a mirror path that is no repository prefix',
      ['targets:', '  - files: compose.yaml', 'registries:', '  docker.io: { mirror: "https://harbor.example.com/Docker Hub" }'],
      'imgsync.config.yaml:4:24: registries["docker.io"].mirror: its path "Docker%20Hub" must be a repository prefix (lowercase letters, digits, . _ - and /), such as https://harbor.example.com/dockerhub',
    ],
    [
      'mirrors that chain',
      [
        'targets:',
        '  - files: compose.yaml',
        'registries:',
        '  docker.io: { mirror: "http://127.0.0.1:5000" }',
        '  127.0.0.1:5000: { mirror: "http://127.0.0.1:6000" }',
      ],
      'imgsync.config.yaml:4:24: registries["docker.io"].mirror: http://127.0.0.1:5000 has a mirror of its own (http://127.0.0.1:6000); mirrors do not chain, name the last one here',
    ],
    [
      'insecure for Docker Hub',
      ['targets:', '  - files: compose.yaml', 'registries:', '  docker.io: { insecure: true }'],
      'imgsync.config.yaml:4:16: registries["docker.io"].insecure: does not apply to docker.io, which speaks only https',
    ],
    [
      'insecure beside a scheme in the key',
      ['targets:', '  - files: compose.yaml', 'registries:', '  https://registry.lan: { insecure: true }'],
      'imgsync.config.yaml:4:27: registries["https://registry.lan"].insecure: does not apply: the key\'s https:// already decides; write the key as a host (registry.lan) to use insecure',
    ],
    [
      'insecure as a string',
      ['targets:', '  - files: compose.yaml', 'registries:', '  registry.lan: { insecure: "yes" }'],
      'imgsync.config.yaml:4:29: registries["registry.lan"].insecure: must be true or false (got "yes")',
    ],
    [
      'a misspelt git mode',
      ['targets:', '  - files: images.yml', 'git:', '  mode: pull_request'],
      'imgsync.config.yaml:4:9: git.mode: must be one of push, pull-request (got "pull_request"); did you mean "pull-request"?',
    ],
    [
      'an ssh remote',
      ['targets:', '  - files: images.yml', 'git:', '  url: git@github.com:lablup/backend.ai-manager.git'],
      'imgsync.config.yaml:4:8: git.url: ssh remotes are not supported; use the https URL of the repository and token: env:NAME',
    ],
    [
      'an invalid branch name',
      ['targets:', '  - files: images.yml', 'git:', '  branch: "feature..x"'],
      'imgsync.config.yaml:4:11: git.branch: "feature..x" is not a valid git branch name',
    ],
    [
      'an author without email',
      ['targets:', '  - files: images.yml', 'git:', '  author: { name: imgsync }'],
      'imgsync.config.yaml:4:11: git.author: missing required key "email"',
    ],
    [
      'an unknown placeholder in the commit message',
      ['targets:', '  - files: images.yml', 'git:', '  message: "images: {changes}"'],
      'imgsync.config.yaml:4:12: git.message: unknown placeholder {changes}; only {summary} (the generated summary of changes) is replaced',
    ],
    [
      'transport github-api for a repository not on GitHub',
      ['targets:', '  - files: images.yml', 'git:', '  url: https://gitlab.com/acme/app.git', '  transport: github-api'],
      'imgsync.config.yaml:4:8: git.url: is not on github.com, so transport github-api cannot reach it; set git.githubApiUrl (https://HOST/api/v3 for GitHub Enterprise) or use transport: clone or auto (got "https://gitlab.com/acme/app.git")',
    ],
    [
      'transport github-api for the local checkout',
      ['targets:', '  - files: images.yml', 'git:', '  transport: github-api'],
      'imgsync.config.yaml:4:14: git.transport: github-api needs git.url: without it imgsync commits in the checkout of the working directory, which the GitHub API cannot update; set git.url or use transport: clone',
    ],
  ])('reports %s', (_name, lines, message) => {
    const error = errorOf(lines);
    expect(error.message).toBe(message);
    const [, line, col] = /^[^:]+:(\d+):(\d+):/.exec(message)!;
    expect({ path: error.path, line: error.line, col: error.col }).toEqual({ path: PATH, line: Number(line), col: Number(col) });
  });

  it('locates errors in JSON files too', () => {
    const error = errorOf(['{', '  "targets": [', '    { "files": "images.yml", "format": "backendia" }', '  ]', '}'], 'imgsync.config.json');
    expect(error.message).toBe(`imgsync.config.json:3:40: targets[0].format: must be one of ${FORMATS} (got "backendia"); did you mean "backendai"?`);
  });

  it('reports invalid JSON with the line and column where the parser stopped', () => {
    const error = errorOf(['{', '  "targets": [', '    { "files": "images.yml", }', '  ]', '}'], 'imgsync.config.json');
    expect({ line: error.line, col: error.col }).toEqual({ line: 3, col: 30 });
    expect(error.message).toMatch(/^imgsync\.config\.json:3:30: invalid JSON: /);
  });

  it('counts columns after a byte order mark as an editor shows them', () => {
    let error: unknown;
    try {
      parseConfig('\uFEFFtargets:\n  - files: a.yml\n    format: nope\n', PATH);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ line: 3, col: 13 });
  });

  it('points into the merged mapping for keys that come in through a merge key', () => {
    const error = errorOf(['base: &base', '  format: backendai', '  prune: delete', 'targets:', '  - <<: *base', '    files: images.yml']);
    // `base` is not a config key, and the value it brings into the target is wrong: both, in file order.
    expect(error.message).toBe(
      'imgsync.config.yaml:1:1: base: unknown key; allowed keys: $schema, targets, registries, git, repositories, autodiscover\n' +
        'imgsync.config.yaml:3:10: targets[0].prune: must be one of report, comment, remove (got "delete")',
    );
  });

  it('follows merge keys to locate a bad value', () => {
    const error = errorOf(['targets:', '  - &first', '    files: a.yml', '    prune: delete', '  - <<: *first', '    files: b.yml']);
    // both targets have the value, written once
    expect(error.problems.map((problem) => [problem.setting, problem.line, problem.col])).toEqual([
      ['targets[0].prune', 4, 12],
      ['targets[1].prune', 4, 12],
    ]);
  });

  it('refuses a file of several YAML documents and an empty file', () => {
    expect(() => parseConfig('targets: []\n---\ntargets: []\n', PATH)).toThrow(
      'imgsync.config.yaml: holds several YAML documents (---); a config file is one document',
    );
    expect(() => parseConfig('# nothing yet\n', PATH)).toThrow(
      'imgsync.config.yaml:1:1: the config file is empty; it needs at least targets: [{ files: ..., format: ... }]',
    );
  });

  it('lets YAML syntax errors through as YamlSyntaxError with line and column', () => {
    expect(() => parseConfig('targets:\n  - files: [a.yml\n', PATH)).toThrow(
      expect.objectContaining({ name: 'YamlSyntaxError', path: PATH, line: expect.any(Number) }),
    );
  });
});

describe('every problem at once', () => {
  /** The problems of `lines` (joined with \n), as `line:col setting`. */
  const problemsOf = (lines: string[], path = PATH) => errorOf(lines, path).problems.map((p) => `${p.line}:${p.col} ${p.setting}`);

  it('reports the errors on lines 3, 4, 5 and 7 of issue 13 together, in file order', () => {
    const error = errorOf([
      'targets:',
      '  - files: images.yml',
      '    format: backendia',
      '    prune: delete',
      '    tags: { include: "(" }',
      'git:',
      '  mode: pull_request',
    ]);
    expect(error.problems.map((p) => [p.line, p.setting])).toEqual([
      [3, 'targets[0].format'],
      [4, 'targets[0].prune'],
      [5, 'targets[0].tags.include'],
      [7, 'git.mode'],
    ]);
    expect(error.message.split('\n')).toHaveLength(4);
    expect({ line: error.line, col: error.col }).toEqual({ line: 3, col: 13 });
  });

  it('gives each problem what was expected, the suggestion and, for a code-only rule, its name', () => {
    const [format, include] = errorOf(['targets:', '  - files: images.yml', '    format: backendia', '    tags: { include: "(" }']).problems;
    expect(format).toMatchObject({ setting: 'targets[0].format', expected: `one of ${FORMATS}`, suggestion: 'backendai' });
    expect(format!.rule).toBeUndefined();
    expect(include).toMatchObject({ setting: 'targets[0].tags.include', rule: 'regex-compiles' });
  });

  it('reports N problems for a config with N errors, across targets, registries and git', () => {
    const lines = [
      'targets:', //                                    1
      '  - files: /abs/images.yml', //                 2  files
      '    formt: backendai', //                        3  unknown key
      '    tags:', //                                   4
      "      exclude: ['ok', '[']", //                   5  regex
      "      semver: '>=banana'", //                     6  range
      '  - files: values.yaml', //                      7
      '    format: helm-values', //                     8
      '    prune: remove', //                           9  not for helm-values
      '    digest: image-id', //                        10 not for helm-values
      'registries:', //                                 11
      '  docker.io: { concurrency: 0, insecure: true }', // 12 range, insecure on docker.io
      '  ghcr.io: { hubApiUrl: "https://hub.example" }', // 13 hub only
      'git:', //                                        14
      '  branch: "a..b"', //                            15 branch
      '  token: not-a-reference', //                    16 secret
      '  colour: blue', //                              17 unknown key
    ];
    expect(problemsOf(lines)).toEqual([
      '2:12 targets[0].files',
      '3:5 targets[0].formt',
      '5:23 targets[0].tags.exclude[1]',
      '6:15 targets[0].tags.semver',
      '9:5 targets[1].prune',
      '10:13 targets[1].digest',
      '12:29 registries["docker.io"].concurrency',
      '12:32 registries["docker.io"].insecure',
      '13:14 registries["ghcr.io"].hubApiUrl',
      '15:11 git.branch',
      '16:10 git.token',
      '17:3 git.colour',
    ]);
  });

  it('reports a target whose format is wrong and its other problems too', () => {
    expect(problemsOf(['targets:', '  - files: images.yml', '    format: helm', '    pin: maybe', '    colour: red'])).toEqual([
      '3:13 targets[0].format',
      '4:10 targets[0].pin',
      '5:5 targets[0].colour',
    ]);
  });

  it('orders the problems of a JSON file by position too', () => {
    expect(problemsOf(['{', '  "git": { "mode": "x" },', '  "targets": [{ "files": "a.yml", "format": "y" }]', '}'], 'imgsync.config.json')).toEqual([
      '2:20 git.mode',
      '3:45 targets[0].format',
    ]);
  });

  it('never shows a secret, in any of the problems', () => {
    const secret = `ghp_${'Zz9'.repeat(10)}`;
    const error = errorOf(['targets:', `  - files: ${secret}.yml`, '    format: nope', 'git:', `  token: ${secret}`, `  message: ${secret}`]);
    expect(error.problems).toHaveLength(4);
    expect(error.message).not.toContain(secret);
  });
});
