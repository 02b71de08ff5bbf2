/**
 * Writing a target file atomically: the new text goes to a temp file beside the target
 * (same directory, so the rename stays on one file system), keeps the target's mode, and
 * replaces the target with one `rename`. A crash or a full disk leaves the old file whole.
 * A target that is a symbolic link is written through: the file it points to is replaced
 * and the link stays (a rename onto the link itself would swap the link for a copy).
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** What {@link writeFileAtomic} writes with: Node's `fs/promises`, or an injected double. */
export interface AtomicWriteFileSystem {
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  stat(path: string): Promise<{ mode: number }>;
  chmod(path: string, mode: number): Promise<void>;
  realpath?(path: string): Promise<string>;
}

export async function writeFileAtomic(fs: AtomicWriteFileSystem, target: string, text: string): Promise<void> {
  const path = fs.realpath ? await fs.realpath(target).catch(() => target) : target;
  const temp = join(dirname(path), `.${basename(path)}.imgsync-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, text, 'utf8');
    const mode = await fs.stat(path).then(
      (s) => s.mode & 0o777,
      () => undefined,
    );
    if (mode !== undefined) await fs.chmod(temp, mode);
    await fs.rename(temp, path);
  } catch (error) {
    await fs.unlink(temp).catch(() => {});
    throw error;
  }
}
