/**
 * One error contract: every code is one of the closed union, the facts are fields, and the
 * same plain shape comes out of `facts()`, `JSON.stringify` and `errorFacts` (which the
 * engine's results, the CLI's `--json` and the Lambda log use).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyStats } from '../src/registry/types.js';
import {
  ConfigError,
  DeadlineError,
  ERROR_CODES,
  errorFacts,
  FileError,
  FileTooLargeError,
  FormatError,
  GitError,
  ImgsyncError,
  parseConfig,
  parseYaml,
  RegistryError,
  runUpdate,
  YamlEditError,
  YamlSyntaxError,
} from '../src/index.js';

describe('error facts', () => {
  it('give each error its fields, the same through facts(), JSON and errorFacts', () => {
    const errors: [ImgsyncError, object][] = [
      [new YamlSyntaxError('a.yml', 3, 9, 'bad'), { code: 'YAML_SYNTAX', path: 'a.yml', line: 3, col: 9 }],
      [
        new YamlEditError('a.yml', ['images', 2, 'tags'], 'no', { line: 7, col: 5 }),
        { code: 'YAML_EDIT', path: 'a.yml', line: 7, col: 5, setting: 'images[2].tags' },
      ],
      [
        new RegistryError('gone', { registry: 'ghcr.io', repository: 'org/app', status: 404 }),
        { code: 'REGISTRY', registry: 'ghcr.io', repository: 'org/app', status: 404 },
      ],
      [
        new GitError('push', 'rejected', { remote: 'https://user:pw@example.test/r.git', status: 403 }),
        { code: 'GIT', remote: 'https://example.test/r.git', step: 'push', status: 403 },
      ],
      [new FormatError('k.yaml', 'no images', { line: 2, col: 1 }), { code: 'FORMAT', path: 'k.yaml', line: 2, col: 1 }],
      [new FileError('link.yml', 'leads out of the repository'), { code: 'FILE', path: 'link.yml' }],
      [FileTooLargeError.bytes('big.yml', 30, 10), { code: 'FILE_TOO_LARGE', path: 'big.yml' }],
      [new DeadlineError('time budget ran out', 'deadline', 'git push'), { code: 'DEADLINE', step: 'git push' }],
      [
        new ConfigError('bad value', { path: 'imgsync.config.yaml', line: 4, col: 13 }),
        {
          code: 'CONFIG',
          path: 'imgsync.config.yaml',
          line: 4,
          col: 13,
          problems: [{ path: 'imgsync.config.yaml', line: 4, col: 13, setting: '', message: 'bad value' }],
        },
      ],
    ];
    for (const [error, fields] of errors) {
      const facts = error.facts();
      expect(facts).toEqual({ ...fields, message: error.message });
      expect(ERROR_CODES).toContain(facts.code);
      expect(JSON.parse(JSON.stringify(error))).toEqual(facts);
      expect(errorFacts(error)).toEqual(facts);
      // no field is there without a value
      expect(Object.values(facts).every((v) => v !== undefined)).toBe(true);
    }
    expect(errorFacts(new TypeError('x is not a function'))).toEqual({ code: 'INTERNAL', message: 'x is not a function' });
    expect(errorFacts('thrown text')).toEqual({ code: 'INTERNAL', message: 'thrown text' });
  });

  it('a config with several problems lists them all', () => {
    let thrown: unknown;
    try {
      parseConfig('targets:\n  - files: a.yml\n    format: nope\n    prune: maybe\n', '/x/imgsync.config.yaml');
    } catch (error) {
      thrown = error;
    }
    const facts = errorFacts(thrown);
    expect(facts).toMatchObject({ code: 'CONFIG', path: '/x/imgsync.config.yaml', line: 3, setting: 'targets[0].format' });
    expect(facts.problems?.map((p) => p.setting)).toEqual(['targets[0].format', 'targets[0].prune']);
  });

  it('an edit the editor refuses says where in the file', () => {
    const file = parseYaml('images:\n  - name: python\n    tags: latest\n', { path: 'images.yml' });
    let thrown: unknown;
    try {
      file.setIn(['images', 0, 'tags', 0], 'x');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(YamlEditError);
    expect(errorFacts(thrown)).toMatchObject({ code: 'YAML_EDIT', path: 'images.yml', line: 3, col: 11, setting: 'images[0].tags' });
    expect((thrown as Error).message).toMatch(/^images\.yml:3:11: cannot edit images\[0\]\.tags: /);
  });

  it('the engine reports a broken target file with its facts as fields, beside the file that ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgsync-errors-'));
    try {
      writeFileSync(join(dir, 'broken.yaml'), 'services:\n  app:\n    image: [redis:7\n');
      writeFileSync(join(dir, 'fine.yaml'), 'services:\n  app:\n    image: redis:7.2.4\n');
      const configText = 'targets:\n  - files: [broken.yaml, fine.yaml]\n    format: image-refs\n';
      writeFileSync(join(dir, 'imgsync.config.yaml'), configText);
      const config = parseConfig(configText, join(dir, 'imgsync.config.yaml'));
      const result = await runUpdate({
        config,
        dryRun: true,
        registrySource: () => ({
          registry: 'docker.io',
          listRepositories: async () => ({ namespace: '', repositories: [], complete: true, warnings: [] }),
          listTags: async (repository) => ({ repository, tags: [], warnings: [] }),
          resolveTag: async () => {
            throw new Error('not asked');
          },
          stats: emptyStats,
        }),
      });
      expect(result.errors).toEqual([
        { file: 'broken.yaml', code: 'YAML_SYNTAX', path: 'broken.yaml', line: 4, col: 1, message: expect.stringMatching(/^broken\.yaml:4:1: /) },
      ]);
      expect(result.files.find((f) => f.path === 'broken.yaml')?.error).toEqual({
        code: 'YAML_SYNTAX',
        path: 'broken.yaml',
        line: 4,
        col: 1,
        message: result.errors[0]!.message,
      });
      expect(result.files.find((f) => f.path === 'fine.yaml')?.error).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
