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

  it('names the new version of a moved tag, not the old one', () => {
    const changes: ChangeSummary[] = [
      { file: 'compose.yaml', image: 'elasticsearch', tag: '7.17.28', kind: 'updated', field: 'tag', old: '7.16.1', new: '7.17.28' },
      { file: 'compose.yaml', image: 'logstash', tag: '7.16.3', kind: 'updated', field: 'tag', old: '7.16.1', new: '7.16.3' },
    ];
    expect(buildSubject(changes, { subjectPrefix: '' })).toBe('update elasticsearch to 7.17.28, update logstash to 7.16.3');
    expect(buildSubject(changes)).toBe('chore(images): update elasticsearch to 7.17.28 and 1 more');
  });

  it('does not name a digest again when it moved with its tag; a digest written anew is a pin', () => {
    const digest = (n: string) => `sha256:${n.repeat(64)}`;
    const changes: ChangeSummary[] = [
      { file: 'values.yaml', image: 'podinfo', tag: '6.15.0', kind: 'updated', field: 'tag', old: '6.14.1', new: '6.15.0' },
      { file: 'values.yaml', image: 'podinfo', tag: '6.15.0', kind: 'updated', field: 'digest', old: digest('1'), new: digest('2') },
      { file: 'values.yaml', image: 'redis', tag: '7.2.5', kind: 'filled', field: 'digest', old: '', new: digest('3') },
      { file: 'values.yaml', image: 'python', tag: '3.6-ubuntu', kind: 'updated', old: 'ca7b9f52b6c2', new: '1d2f3e4a5b6c' },
    ];
    expect(buildSubject(changes, { subjectPrefix: '' })).toBe('update podinfo to 6.15.0, update python 3.6-ubuntu, pin redis 7.2.5');
    expect(buildCommitMessage(changes).split('\n').slice(2)).toEqual([
      '- update podinfo 6.14.1 -> 6.15.0',
      `- update podinfo 6.15.0: ${digest('1')} -> ${digest('2')}`,
      `- pin redis 7.2.5: ${digest('3')}`,
      '- update python 3.6-ubuntu: ca7b9f52b6c2 -> 1d2f3e4a5b6c',
      '',
    ]);
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
    expect(message).toBe('chore(images): update python 3.6, remove ruby 2.7\n\na.yml:\n- update python 3.6: x -> y\n\nb.yml:\n- remove ruby 2.7 (was z)\n');
  });
});

describe('notes under the changes', () => {
  it('lists what the run noticed and left to a human after the changes, in the commit message', () => {
    const changes: ChangeSummary[] = [{ file, image: 'lablup/kernel-python', tag: '3.7-ubuntu', kind: 'added', new: 'aaaaaaaaaaaa' }];
    const notes = ['new repository lablup/kernel-ruby (tags 2.6-alpine) has no entry ruby; discover: add would add one'];
    expect(buildCommitMessage(changes, {}, notes)).toBe(
      'chore(images): add lablup/kernel-python 3.7-ubuntu\n\n- add lablup/kernel-python 3.7-ubuntu: aaaaaaaaaaaa\n\n' +
        'Also noticed (not changed):\n- new repository lablup/kernel-ruby (tags 2.6-alpine) has no entry ruby; discover: add would add one\n',
    );
    expect(buildCommitMessage(changes)).not.toContain('Also noticed');
  });
});
