import { describe, expect, it } from 'vitest';
import { isImageId12, isValidDigest, isValidTag, matchesImageId12, toImageId12 } from '../../src/image-ref/grammar.js';

const sha256 = `sha256:ca7b9f52b6c2${'0123456789abcdef'.repeat(3)}0123`;

describe('isValidTag', () => {
  it.each(['latest', '3.6-ubuntu18.04', '1.10-py36-cuda9', 'v1.2.3', '_private', 'A', 'x'.repeat(128)])('accepts %s', (tag) =>
    expect(isValidTag(tag)).toBe(true),
  );

  it.each([
    ['', 'empty'],
    ['.hidden', 'leading dot'],
    ['-rc1', 'leading dash'],
    ['x'.repeat(129), '129 characters'],
    ['1.0+build', 'plus sign'],
    ['a:b', 'colon'],
    ['a/b', 'slash'],
    ['tag\n', 'trailing newline'],
    ['ü', 'non-ASCII'],
    ['<html>', 'an HTML page'],
  ])('rejects %j (%s)', (tag) => expect(isValidTag(tag)).toBe(false));
});

describe('isValidDigest', () => {
  it('accepts sha256 with 64 lowercase hex', () => {
    expect(isValidDigest(sha256)).toBe(true);
  });

  it.each([
    [sha256.toUpperCase(), 'uppercase'],
    [`sha256:${'A'.repeat(64)}`, 'uppercase hex'],
    [sha256.slice(0, -1), '63 hex'],
    [`${sha256}0`, '65 hex'],
    [sha256.slice('sha256:'.length), 'no algorithm'],
    [`md5:${'a'.repeat(32)}`, 'unregistered algorithm'],
    [`sha384:${'a'.repeat(96)}`, 'sha384 is not registered by the image spec'],
    [`sha256:${'g'.repeat(64)}`, 'not hex'],
    ['', 'empty'],
  ])('rejects %j (%s)', (digest) => expect(isValidDigest(digest)).toBe(false));

  it('rejects sha512 unless the caller opts in', () => {
    const sha512 = `sha512:${'ab'.repeat(64)}`;
    expect(isValidDigest(sha512)).toBe(false);
    expect(isValidDigest(sha512, { algorithms: ['sha512'] })).toBe(true);
    expect(isValidDigest(sha256, { algorithms: ['sha512'] })).toBe(false);
    expect(isValidDigest(`sha512:${'ab'.repeat(32)}`, { algorithms: ['sha512'] })).toBe(false);
  });
});

describe('image ids', () => {
  it('cuts the first 12 hex digits of a digest', () => {
    expect(toImageId12(sha256)).toBe('ca7b9f52b6c2');
  });

  it('gives no id for something that is not a digest', () => {
    expect(toImageId12('ca7b9f52b6c2')).toBeUndefined();
    expect(toImageId12(`sha256:${'Z'.repeat(64)}`)).toBeUndefined();
  });

  it('cuts sha512 digests only when sha512 is allowed', () => {
    const sha512 = `sha512:${'0123456789abcdef'.repeat(8)}`;
    expect(toImageId12(sha512)).toBeUndefined();
    expect(toImageId12(sha512, { algorithms: ['sha512'] })).toBe('0123456789ab');
  });

  it('recognises the 12-hex form and not the placeholders Backend.AI uses', () => {
    expect(isImageId12('ca7b9f52b6c2')).toBe(true);
    for (const value of ['x', '', 'CA7B9F52B6C2', 'ca7b9f52b6c', 'ca7b9f52b6c20', ':3.6-ubuntu']) {
      expect(isImageId12(value)).toBe(false);
    }
  });

  it('matches a stored id against a digest', () => {
    expect(matchesImageId12('ca7b9f52b6c2', sha256)).toBe(true);
    expect(matchesImageId12('6ea6d6307c91', sha256)).toBe(false);
    expect(matchesImageId12('x', sha256)).toBe(false);
  });
});
