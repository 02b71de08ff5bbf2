import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_ENUMS, checkConfigText, defaultDigestForm } from '../../src/config/index.js';
import { FormatError } from '../../src/errors.js';
import { parseYaml } from '../../src/yaml/index.js';
import { detectFormat, findFormat, formatAdapter, formatAdapters, FORMATS, noImagesReason, type FormatAdapter } from '../../src/formats/index.js';
import { corpusFile, corpusFiles, repoRoot } from '@imgsync/test-helpers/fixtures.js';
import { fixture } from './helpers.js';

describe('format: auto', () => {
  it.each([
    ['backendai/fixtures/lablup__backend.ai-manager__sample-configs__image-metadata@61344624.yml', 'backendai'],
    ['backendai/fixtures/lablup__backend.ai-manager__sample-configs__image-aliases@ff4c32e0.yml', 'backendai'],
    ['kustomize/fixtures/hand-written__kustomization-images.yaml', 'kustomize'],
    ['markers/fixtures/hand-written__flux-setters.yaml', 'markers'],
    ['helm-values/fixtures/stefanprodan__podinfo__charts__podinfo__values.yaml', 'helm-values'],
    ['helm-values/fixtures/hand-written__bitnami-style-values.yaml', 'helm-values'],
    ['image-refs/fixtures/stefanprodan__podinfo__deploy__bases__backend__deployment.yaml', 'image-refs'],
    ['image-refs/fixtures/docker__awesome-compose__elasticsearch-logstash-kibana__compose.yaml', 'image-refs'],
    ['image-refs/fixtures/hand-written__multi-document.yaml', 'image-refs'],
  ])('detects %s as %s', (relative, name) => {
    expect(detectFormat(parseYaml(fixture(relative))).name).toBe(name);
  });

  it('throws a FormatError naming the file when no layout matches', () => {
    expect(() => detectFormat(parseYaml('a: 1\n', { path: 'other.yml' }))).toThrow(FormatError);
    expect(() => detectFormat(parseYaml('a: 1\n', { path: 'other.yml' }))).toThrow(/^other\.yml: no image references; set format/);
  });

  it.each([
    ['fluxcd__flux2-kustomize-helm-example__apps__base__podinfo__namespace.yaml', 'no image references'],
    ['fluxcd__flux2-kustomize-helm-example__apps__base__podinfo__repository.yaml', 'no image references'],
    ['fluxcd__flux2-kustomize-helm-example__apps__staging__kustomization.yaml', 'no image references'],
    ['stefanprodan__podinfo__deploy__bases__frontend__kustomization.yaml', 'no image references'],
    ['docker__awesome-compose__django__compose.yaml', 'no image references'],
    ['docker__awesome-compose__flask-redis__compose.yaml', 'no image reference with a tag or digest to follow (untagged: redislabs/redismod)'],
    ['docker__awesome-compose__minecraft__compose.yaml', 'no image reference with a tag or digest to follow (untagged: itzg/minecraft-server)'],
  ])('finds nothing to follow in %s, and says why', (name, reason) => {
    const file = parseYaml(corpusFile(name), { path: name });
    expect(findFormat(file)).toBeUndefined();
    expect(noImagesReason(file)).toBe(reason);
  });

  it('finds adapters by name and rejects unknown names', () => {
    // the specific layouts first, the generic image references last (a new format takes its place by its detectOrder)
    const known = ['backendai', 'kustomize', 'markers', 'helm-values', 'image-refs'];
    expect(
      formatAdapters()
        .map((a) => a.name)
        .filter((name) => known.includes(name)),
    ).toEqual(known);
    expect(formatAdapter('kustomize').name).toBe('kustomize');
    expect(() => formatAdapter('toml' as never)).toThrow(FormatError);
  });

  it('detects every Backend.AI image-metadata file of the corpus as backendai, and no other corpus file', () => {
    for (const { name, text } of corpusFiles()) {
      const file = parseYaml(text, { path: name, allowErrors: true });
      if (file.errors.length) continue;
      const isBackendAi = /image-(metadata|aliases)/.test(name);
      expect(formatAdapter('backendai').detect(file), name).toBe(isBackendAi);
    }
  });
});

describe('a format is what its adapter says', () => {
  it('lists every format, in the order of FORMATS, then auto, as the format values', () => {
    expect(CONFIG_ENUMS.format).toEqual([...FORMATS.map((adapter) => adapter.name), 'auto']);
  });

  it("detects in each adapter's detectOrder", () => {
    const orders = formatAdapters().map((adapter) => adapter.detectOrder);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect(new Set(orders).size).toBe(FORMATS.length);
    expect([...formatAdapters()].sort((a, b) => a.name.localeCompare(b.name))).toEqual([...FORMATS].sort((a, b) => a.name.localeCompare(b.name)));
  });

  it.each(FORMATS.map((adapter) => [adapter.name, adapter] as const))('%s: its default digest form is the first it holds', (name, adapter) => {
    expect(defaultDigestForm(name)).toBe(adapter.digestForms[0]);
  });

  /** A valid target of `adapter`'s format with `lines`; a format naming policies gets one. */
  const targetOf = (adapter: FormatAdapter, ...lines: string[]) =>
    [
      'targets:',
      '  - files: x.yml',
      `    format: ${adapter.name}`,
      ...(adapter.namesPolicies ? ['    policies: { app: { repository: ghcr.io/acme/app } }'] : []),
      ...(adapter.listsTags ? ['    repository: acme/{name}'] : []),
      ...lines.map((line) => `    ${line}`),
      '',
    ].join('\n');
  const verdict = (adapter: FormatAdapter, line: string) => checkConfigText(targetOf(adapter, line), 'imgsync.config.yaml').map((p) => p.message);

  it.each(FORMATS.map((adapter) => [adapter.name, adapter] as const))('%s: takes exactly the settings its facts allow', (_name, adapter) => {
    expect(checkConfigText(targetOf(adapter), 'imgsync.config.yaml')).toEqual([]);
    const refused = (line: string, allowed: boolean) => expect(verdict(adapter, line).length === 0, `${adapter.name}: ${line}`).toBe(allowed);
    refused('pin: true', adapter.pins);
    refused('update: minor', adapter.movesTags);
    refused('ignore: [acme/*]', adapter.movesTags);
    refused('platform: linux/arm64', adapter.listsTags);
    refused('prune: remove', adapter.listsTags);
    refused('tags: { latest: {} }', adapter.listsTags);
    refused('discover: report', adapter.discovery !== undefined);
    for (const form of CONFIG_ENUMS.digest) refused(`digest: ${form}`, adapter.digestForms.includes(form));
  });

  it('names no format in code outside its own folder (facts, not names, decide)', () => {
    const src = join(repoRoot, 'packages');
    const sources = ['core/src', 'cli/src', 'lambda/src'].flatMap((dir) => tsFiles(join(src, dir)));
    const found: string[] = [];
    for (const adapter of FORMATS) {
      const quoted = new RegExp(`['"\`]${adapter.name}['"\`]`);
      for (const path of sources) {
        const where = relative(src, path).split('\\').join('/');
        if (where.startsWith(`core/src/formats/${adapter.name}/`)) continue;
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            if (/^\s*(\*|\/\/|\/\*)/.test(line)) return; // comments and examples may name it
            if (quoted.test(line)) found.push(`${where}:${index + 1}: ${line.trim()}`);
          });
      }
    }
    expect(found).toEqual([]);
  });
});

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}
