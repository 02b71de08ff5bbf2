import { describe, expect, it } from 'vitest';
import { buildCommitMessage, buildSubject, type ChangeSummary } from '../../src/git/index.js';

const file = 'image-metadata.yml';

describe('buildSubject', () => {
  it('names the image once for consecutive changes of the same image', () => {
    const changes: ChangeSummary[] = [
      { file, image: 'python', tag: '3.6-ubuntu', kind: 'updated', old: 'ca7b9f52b6c2', new: '1d2f3e4a5b6c' },
      { file, image: 'python', tag: '3.7-ubuntu', kind: 'added', new: 'aaaaaaaaaaaa' },
    ];
    expect(buildSubject(changes)).toBe('chore(images): update python 3.6-ubuntu, add 3.7-ubuntu');
  });

  it('stays within 72 characters, counting what it left out', () => {
    const changes: ChangeSummary[] = Array.from({ length: 20 }, (_, i) => ({ file, image: `image-${i}`, tag: `1.${i}`, kind: 'updated' }));
    const subject = buildSubject(changes);
    expect(subject.length).toBeLessThanOrEqual(72);
    expect(subject).toMatch(/^chore\(images\): update image-0 1\.0, .* and \d+ more$/);
  });
});

describe('buildCommitMessage', () => {
  it('lists every change in the body, grouped by file when several files changed', () => {
    const message = buildCommitMessage([
      { file: 'a.yml', image: 'python', tag: '3.6', kind: 'updated', old: 'x', new: 'y' },
      { file: 'b.yml', image: 'ruby', tag: '2.7', kind: 'removed', old: 'z' },
    ]);
    expect(message).toBe(
      'chore(images): update python 3.6, remove ruby 2.7\n\na.yml:\n- update python 3.6: x -> y\n\nb.yml:\n- remove ruby 2.7 (was z)\n',
    );
  });
});
