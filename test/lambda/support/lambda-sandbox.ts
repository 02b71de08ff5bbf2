/**
 * Lambda's conditions for the bundled handler, as far as one machine can play them:
 *
 * - the task directory holds only `handler.mjs` (no node_modules), copied from the build;
 * - `PATH` is one directory with a `node` symlink (no git, no ssh, no shell), `HOME` is unset;
 * - the working directory is the read-only task directory, and the only writable place is a
 *   scratch directory passed as `TMPDIR` (Lambda's `/tmp`);
 * - when the tests run as root, the child runs as `nobody` (Lambda runs as an unprivileged
 *   user too), so that the read-only modes bind: root would write through them.
 *
 * The child is the runner script (`lambda-runner.mjs`), one process per sandbox, invoked
 * once per {@link LambdaProcess.invoke} call: a second call is a warm start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bundlePath = fileURLToPath(new URL('../../../packages/lambda/dist/handler.mjs', import.meta.url));
export const zipPath = fileURLToPath(new URL('../../../packages/lambda/dist/handler.zip', import.meta.url));
const runnerSource = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

export interface Sandbox {
  root: string;
  taskDir: string;
  scratch: string;
  bin: string;
  runner: string;
  remove(): void;
}

/**
 * `options.awsSdk`: the AWS SDK v3 S3 client beside the task directory, as the Lambda
 * runtime provides it (the bundle does not carry it): bundled by esbuild into one readable
 * file, so that `nobody` can load it wherever the repository is checked out.
 */
export function createSandbox(options: { awsSdk?: boolean } = {}): Sandbox {
  if (!existsSync(bundlePath)) throw new Error(`${bundlePath} is missing: run \`pnpm build\` first`);
  const root = mkdtempSync(join(tmpdir(), 'imgsync-lambda-'));
  const taskDir = join(root, 'task');
  const scratch = join(root, 'tmp');
  const bin = join(root, 'bin');
  const runnerDir = join(root, 'runtime');
  for (const dir of [taskDir, scratch, bin, runnerDir]) mkdirSync(dir);
  copyFileSync(bundlePath, join(taskDir, 'handler.mjs'));
  copyFileSync(runnerSource, join(runnerDir, 'runner.mjs'));
  chmodSync(join(taskDir, 'handler.mjs'), 0o444);
  chmodSync(join(runnerDir, 'runner.mjs'), 0o444);
  chmodSync(taskDir, 0o555);
  chmodSync(runnerDir, 0o555);
  chmodSync(root, 0o755);
  symlinkSync(process.execPath, join(bin, 'node'));
  if (asRoot) {
    chownSync(scratch, NOBODY, NOBODY);
    // A node that `nobody` cannot reach (one under /root, as `npx -p node@24` installs it)
    // is copied instead: still one `node` in PATH.
    if (spawnSync(join(bin, 'node'), ['-e', '0'], { uid: NOBODY, gid: NOBODY, env: {} }).status !== 0) {
      rmSync(join(bin, 'node'));
      copyFileSync(process.execPath, join(bin, 'node'));
      chmodSync(join(bin, 'node'), 0o755);
    }
  }
  chmodSync(scratch, 0o700);
  chmodSync(bin, 0o555);
  if (options.awsSdk) {
    const dir = join(root, 'node_modules', '@aws-sdk', 'client-s3');
    mkdirSync(dir, { recursive: true });
    copyFileSync(awsSdkBundle(), join(dir, 'index.mjs'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@aws-sdk/client-s3', type: 'module', exports: './index.mjs' }));
    chmodSync(join(root, 'node_modules'), 0o755);
  }
  return {
    root,
    taskDir,
    scratch,
    bin,
    runner: join(runnerDir, 'runner.mjs'),
    remove: () => {
      chmodSync(taskDir, 0o755);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Leaves a clone directory in the scratch space, owned by the child's user, as a run killed at its timeout would. */
export function plantStaleClone(sandbox: Sandbox, name: string): void {
  const dir = join(sandbox.scratch, name);
  mkdirSync(join(dir, '.git', 'objects'), { recursive: true });
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  if (asRoot) for (const path of [dir, join(dir, '.git'), join(dir, '.git', 'objects'), join(dir, '.git', 'HEAD')]) chownSync(path, NOBODY, NOBODY);
}

export type Outcome =
  | {
      ok: true;
      result: { changed: boolean; delivery?: { commit?: string; pushed: boolean; branch?: string }; changes: unknown[]; partial?: { reason: string } };
    }
  | { ok: false; name: string; code: string; message: string };

export interface LambdaProcess {
  /** One invocation; resolves with the handler's return value or thrown error. */
  invoke(request?: { remainingMs?: number; env?: Record<string, string | null>; event?: Record<string, unknown> }, timeoutMs?: number): Promise<Outcome>;
  stdout(): string;
  stderr(): string;
  /** Ends stdin and waits for the exit (killed after 5 s). */
  stop(): Promise<number | null>;
}

/** Runs `node -e script` with the sandbox's user, PATH, cwd and TMPDIR (to check the sandbox itself). */
export function runInSandbox(sandbox: Sandbox, script: string): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync('node', ['-e', script], {
    cwd: sandbox.taskDir,
    env: { PATH: sandbox.bin, TMPDIR: sandbox.scratch },
    encoding: 'utf8',
    timeout: 10_000,
    ...(asRoot && { uid: NOBODY, gid: NOBODY }),
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

export function startLambda(sandbox: Sandbox, env: Record<string, string>): LambdaProcess {
  const child: ChildProcess = spawn('node', [sandbox.runner], {
    cwd: sandbox.taskDir,
    env: {
      PATH: sandbox.bin,
      TMPDIR: sandbox.scratch,
      LAMBDA_TASK_ROOT: sandbox.taskDir,
      AWS_LAMBDA_FUNCTION_NAME: 'imgsync',
      AWS_REGION: 'eu-west-1',
      TZ: 'UTC',
      RUNNER_HANDLER: join(sandbox.taskDir, 'handler.mjs'),
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(asRoot && { uid: NOBODY, gid: NOBODY }),
  });
  let stdout = '';
  let stderr = '';
  const waiting: Array<(outcome: Outcome) => void> = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line.startsWith('@@runner ')) waiting.shift()?.(JSON.parse(line.slice('@@runner '.length)) as Outcome);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    invoke(request = {}, timeoutMs = 45_000) {
      return new Promise<Outcome>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer from the handler in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
        void exit.then((code) => reject(new Error(`runner exited (${code})\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
        waiting.push((outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        });
        child.stdin!.write(`${JSON.stringify(request)}\n`);
      });
    },
    stdout: () => stdout,
    stderr: () => stderr,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

let sdkBundle: string | undefined;

/** `@aws-sdk/client-s3` (the lambda package's dev dependency) bundled into one ES module, once per test process. */
function awsSdkBundle(): string {
  if (sdkBundle) return sdkBundle;
  const out = join(mkdtempSync(join(tmpdir(), 'imgsync-aws-sdk-')), 'client-s3.mjs');
  const lambdaDir = fileURLToPath(new URL('../../../packages/lambda/', import.meta.url));
  // esbuild as tsup (the build's bundler) resolves it
  const script = `require('node:module').createRequire(require.resolve('tsup'))('esbuild').buildSync({ stdin: { contents: "export { S3Client, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';", resolveDir: ${JSON.stringify(lambdaDir)} }, bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: ${JSON.stringify(out)}, logLevel: 'error', banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } })`;
  const built = spawnSync(process.execPath, ['-e', script], { cwd: join(lambdaDir, '../..'), encoding: 'utf8', timeout: 60_000 });
  if (built.status !== 0) throw new Error(`bundling @aws-sdk/client-s3 failed: ${built.stderr}`);
  chmodSync(out, 0o444);
  sdkBundle = out;
  return out;
}
