import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { parseYaml } from '../../src/yaml/index.js';
import { detectFormat, findFormat, formatAdapter, formatAdapters, noImagesReason } from '../../src/formats/index.js';
import { corpusFile, corpusFiles } from '../helpers/fixtures.js';
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
    expect(formatAdapters().map((a) => a.name)).toEqual(['backendai', 'kustomize', 'markers', 'helm-values', 'image-refs']);
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
