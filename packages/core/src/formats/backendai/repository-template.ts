/**
 * Backend.AI names images by a short `name` (`python`, `python-tensorflow`); the registry
 * repository comes from a per-target template such as `lablup/kernel-{name}` or
 * `cr.backend.ai/stable/{name}`.
 */
import { ConfigError } from '../../errors.js';
import { wantOfRepository } from '../image-want.js';
import type { ImageWant } from '../types.js';

/** The repository of one image entry: the want to ask about and the name shown to users. */
export interface ImageRepository {
  want: ImageWant;
  /** The expanded template as written, e.g. `lablup/kernel-python`. */
  image: string;
}

/**
 * Expands `template` for `name`. Throws {@link ConfigError} when there is no template;
 * returns a message when the expansion is not a repository name (a name with spaces or
 * uppercase letters), so that one odd entry is reported and the others still update.
 *
 * @example
 * imageRepository('lablup/kernel-{name}', 'python')
 * // { want: { repository: 'lablup/kernel-python' }, image: 'lablup/kernel-python' }
 */
export function imageRepository(template: string | undefined, name: string): ImageRepository | { error: string } {
  if (typeof template !== 'string' || template === '') {
    throw new ConfigError('the backendai format needs a repository template mapping image names to repositories, such as "lablup/kernel-{name}"');
  }
  const image = template.split('{name}').join(name);
  const parsed = wantOfRepository(image);
  if (!parsed) return { error: `image name ${JSON.stringify(name)} gives ${JSON.stringify(image)}, which is not a repository name` };
  return { want: parsed.want, image };
}
