/**
 * Entry point bundled (with every dependency) into one file and run in a child process
 * whose PATH holds only `node`: proves delivery needs no git or ssh binary. Reads its
 * inputs from the environment, prints a JSON result (or the error message) on stdout.
 */
import { deliver } from '../../../core/src/git/index.js';

const url = process.env.NO_GIT_URL!;
const token = process.env.NO_GIT_TOKEN;
const tmpDir = process.env.NO_GIT_TMPDIR!;

try {
  const result = await deliver({
    target: { url },
    token,
    author: { name: 'imgsync', email: 'imgsync@example.test' },
    io: { tmpDir },
    edit: async (read) => {
      const text = (await read('image-metadata.yml')) ?? '';
      return {
        files: [{ path: 'image-metadata.yml', content: text.replace('ca7b9f52b6c2', '1d2f3e4a5b6c') }],
        changes: [{ file: 'image-metadata.yml', image: 'python', tag: '3.6-ubuntu', kind: 'updated', old: 'ca7b9f52b6c2', new: '1d2f3e4a5b6c' }],
      };
    },
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  process.stdout.write(`ERROR ${(error as Error).message}\n`);
  process.exitCode = 1;
}
