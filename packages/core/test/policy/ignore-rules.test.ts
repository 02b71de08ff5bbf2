import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createIgnoreRules, parseIgnoreRule } from '../../src/policy/ignore-rules.js';

const hub = (path: string) => ({ domain: 'docker.io', path });

describe('ignore rules', () => {
  it('match a repository by the names it goes by on Docker Hub', () => {
    const rules = createIgnoreRules(['bitnami/*', 'redis']);
    expect(rules.ignoresRepository([hub('bitnami/redis')])).toBe(true);
    expect(rules.ignoresRepository([hub('bitnami/redis-exporter')])).toBe(true);
    expect(rules.ignoresRepository([hub('library/redis')])).toBe(true);
    expect(rules.ignoresRepository([hub('library/postgres')])).toBe(false);
    expect(createIgnoreRules(['docker.io/library/redis']).ignoresRepository([hub('library/redis')])).toBe(true);
    expect(createIgnoreRules(['library/*']).ignoresRepository([hub('library/redis')])).toBe(true);
  });

  it('match other registries by their full name; * stays within a path element, ** crosses them', () => {
    const podinfo = { domain: 'ghcr.io', path: 'stefanprodan/podinfo' };
    expect(createIgnoreRules(['stefanprodan/podinfo']).ignoresRepository([podinfo])).toBe(false);
    expect(createIgnoreRules(['ghcr.io/stefanprodan/*']).ignoresRepository([podinfo])).toBe(true);
    expect(createIgnoreRules(['ghcr.io/*']).ignoresRepository([podinfo])).toBe(false);
    expect(createIgnoreRules(['ghcr.io/**']).ignoresRepository([podinfo])).toBe(true);
    expect(createIgnoreRules(['registry.example.com:5000/app']).ignoresRepository([{ domain: 'registry.example.com:5000', path: 'app' }])).toBe(true);
  });

  it('with a range, ignore the versions in it (pre-releases too), not the repository', () => {
    const rules = createIgnoreRules(['redis:>=8', 'postgres:16.4']);
    expect(rules.ignoresRepository([hub('library/redis')])).toBe(false);
    expect(rules.ignoresTag([hub('library/redis')], '8.0.2')).toBe(true);
    expect(rules.ignoresTag([hub('library/redis')], '8.0-rc1')).toBe(true);
    expect(rules.ignoresTag([hub('library/redis')], '7.4.2-alpine')).toBe(false);
    expect(rules.ignoresTag([hub('library/redis')], 'latest')).toBe(false);
    expect(rules.ignoresTag([hub('library/postgres')], '16.4')).toBe(true);
    expect(rules.ignoresTag([hub('library/postgres')], '16.5')).toBe(false);
    expect(rules.ignoresTag([hub('bitnami/redis')], '8.0.2')).toBe(false);
  });

  it('split the range off after the last path element, so a registry port is not a range', () => {
    const rule = parseIgnoreRule('127.0.0.1:5000/app:>=2');
    expect(rule.repository.test('127.0.0.1:5000/app')).toBe(true);
    expect(rule.range?.test('2.1.0')).toBe(true);
  });

  it.each(['Bitnami redis', 'redis:', 'redis:banana', '/redis', 'bitnami/', 'a//b'])('refuse %j with a ConfigError', (text) => {
    expect(() => parseIgnoreRule(text, { path: 'imgsync.config.yaml', line: 4, col: 9 })).toThrow(ConfigError);
  });
});
