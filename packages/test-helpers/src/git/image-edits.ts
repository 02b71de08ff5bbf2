/**
 * A stand-in for the engine's edit: sets one tag's image id in a Backend.AI-style
 * metadata file, recomputed from whatever the file holds when called (as the engine
 * recomputes its plan after a lost race).
 */
import type { EditFunction } from '../../../core/src/git/index.js';

export const metadataFile = 'image-metadata.yml';

export const metadata = `images:
  - name: python
    tags:
      - ["latest",     ":3.6-ubuntu"]      # alias
      - ["3.6-ubuntu", "ca7b9f52b6c2"]     # id
  - name: ruby
    tags:
      - ["2.7", "0123456789ab"]
`;

export function setImageId(image: string, tag: string, id: string): EditFunction {
  return async (read) => {
    const text = (await read(metadataFile)) ?? '';
    const pattern = new RegExp(`(\\["${tag.replace(/\./g, '\\.')}",\\s*")([0-9a-f]{12})`);
    const old = pattern.exec(text)?.[2];
    if (!old || old === id) return { files: [], changes: [] };
    return {
      files: [{ path: metadataFile, content: text.replace(pattern, `$1${id}`) }],
      changes: [{ file: metadataFile, image, tag, kind: 'updated', old, new: id }],
    };
  };
}
