import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/config/suggest.js';

describe('closestMatch', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('backendia', 'backendai')).toBe(1);
    expect(closestMatch('backendia', ['backendai', 'image-refs'])).toBe('backendai');
  });

  it('prefers a near spelling over a prefix', () => {
    expect(closestMatch('image-id12', ['image-id-12', 'image-id', 'manifest'])).toBe('image-id-12');
  });

  it('falls back to a prefix when no spelling is near', () => {
    expect(closestMatch('repo', ['repository', 'tags'])).toBe('repository');
  });

  it('ignores case and offers nothing for an unrelated word', () => {
    expect(closestMatch('FORMAT', ['format'])).toBe('format');
    expect(closestMatch('terraform', ['backendai', 'kustomize', 'auto'])).toBeUndefined();
  });
});
