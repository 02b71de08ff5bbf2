// Writes registry-snapshot.json for the bundled example: the registry state the example
// runs against offline. Made from image-metadata.yml itself so that most entries are
// current, with a few deliberate differences a real run would meet:
//   - python 3.6-ubuntu18.04 was rebuilt (its image id moved);
//   - python 3.7-ubuntu18.04 and julia 1.0-debian were published (new tags to append);
//   - python-caffe 2.0-py36 and ngc-pytorch 18.12.1-py3 were built (placeholders to fill);
//   - octave 3.8-debian is gone from the registry (reported, not deleted);
//   - a tag with an invalid name and one with a malformed digest (dropped with warnings);
//   - lablup/kernel-ruby was published, a repository the file has no entry for (a
//     new-repository report), beside lablup/backend.ai-manager, which is not a kernel.
// Run: node examples/backend.ai/make-snapshot.mjs (deterministic; ids are sha256 of names).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const data = parse(readFileSync(join(here, 'image-metadata.yml'), 'utf8'), { merge: true });
const sha = (text) => createHash('sha256').update(text).digest('hex');
const digestFor = (text) => `sha256:${sha(text)}`;
/** A config digest whose first 12 hex are `id12`, as the file writes image ids. */
const imageIdFrom = (id12, salt) => `sha256:${id12}${sha(salt).slice(0, 52)}`;

const moved = new Set(['python:3.6-ubuntu18.04']);
const gone = new Set(['octave:3.8-debian']);
const filled = new Set(['python-caffe:2.0-py36', 'ngc-pytorch:18.12.1-py3']);
const added = { python: ['3.7-ubuntu18.04'], julia: ['1.0-debian'] };

const repositories = {};
for (const image of data.images) {
  const tags = {};
  for (const [tag, value] of image.tags ?? []) {
    if (String(value).startsWith(':')) continue; // aliases are not registry tags
    const key = `${image.name}:${tag}`;
    if (gone.has(key)) continue;
    let imageId;
    if (/^[0-9a-f]{12}$/.test(value)) imageId = moved.has(key) ? digestFor(`${key}@rebuilt`) : imageIdFrom(value, key);
    else if (filled.has(key)) imageId = digestFor(`${key}@built`);
    else continue; // placeholder not built yet: not in the registry
    tags[tag] = {
      manifestDigest: digestFor(`${key}@manifest@${imageId}`),
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      imageId,
      pushedAt: '2019-01-15T09:00:00.000Z',
    };
  }
  for (const tag of added[image.name] ?? []) {
    const key = `${image.name}:${tag}`;
    const imageId = digestFor(`${key}@new`);
    tags[tag] = {
      manifestDigest: digestFor(`${key}@manifest`),
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      imageId,
      pushedAt: '2019-02-01T09:00:00.000Z',
    };
  }
  if (image.name === 'python') {
    tags['-bad tag'] = { manifestDigest: digestFor('bad'), imageId: digestFor('bad') };
    tags['3.5-ubuntu'] = { manifestDigest: 'sha256:not-a-digest', imageId: digestFor('x') };
  }
  repositories[`lablup/kernel-${image.name}`] = { tags };
}
for (const [repository, tagNames] of Object.entries({ 'lablup/kernel-ruby': ['2.5-alpine', '2.6-alpine'], 'lablup/backend.ai-manager': ['19.03'] })) {
  const tags = {};
  for (const tag of tagNames) {
    const imageId = digestFor(`${repository}:${tag}@new`);
    tags[tag] = {
      manifestDigest: digestFor(`${repository}:${tag}@manifest`),
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      imageId,
      pushedAt: '2019-02-01T10:00:00.000Z',
    };
  }
  repositories[repository] = { tags };
}
// the whole lablup namespace is recorded: a repository missing from it is gone
const snapshot = { version: 1, registry: 'docker.io', recordedAt: '2019-02-01T12:00:00.000Z', namespaces: ['lablup'], repositories };
writeFileSync(join(here, 'registry-snapshot.json'), `${JSON.stringify(snapshot, null, 2)}\n`);
console.log(`wrote ${Object.keys(repositories).length} repositories`);
