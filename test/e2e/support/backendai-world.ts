/**
 * The registry side of the end-to-end tests: Backend.AI-style repositories
 * (`lablup/kernel-<name>`, one per image) pushed to a real local `docker-registry`, and
 * the exact text Backend.AI's `image-metadata.yml` should have once imgsync has caught up.
 *
 * | repository | tag | what the file holds | what imgsync must write |
 * | --- | --- | --- | --- |
 * | kernel-python | 3.6-ubuntu18.04 | ca7b9f52b6c2 | the rebuilt image's id |
 * | kernel-python | 3.7-ubuntu18.04 | (absent) | a new row after 3.6-ubuntu18.04 |
 * | kernel-julia | 0.6-debian | d34a84a8b4f6 | id of the linux/amd64 image of a multi-platform index |
 * | kernel-ngc-pytorch | 18.12.1-py3 | "x" placeholder | the image id |
 * | kernel-go | 1.9-alpine | 6664d2b3b5f1 | the rebuilt image's id |
 * | kernel-go | 1.8-alpine | d393feb13893 | nothing: the tag vanished, which is reported |
 *
 * Every other image of the file has no repository in this registry: imgsync warns and
 * leaves those rows alone.
 */
import { backendAiFile, corpusFile } from '@imgsync/test-helpers/fixtures.js';
import { pushImage, pushIndex, type PushTarget } from '@imgsync/test-helpers/registry/push.js';

export const metadataPath = 'sample-configs/image-metadata.yml';
export const originalMetadata = corpusFile(backendAiFile);

/** 12-hex image id (Backend.AI's form) of a config digest. */
export const imageId12 = (configDigest: string): string => configDigest.slice('sha256:'.length, 'sha256:'.length + 12);

export interface PushedWorld {
  python36: string;
  python37: string;
  juliaAmd64: string;
  juliaArm64: string;
  ngcPytorch: string;
  go19: string;
}

export async function pushBackendAiImages(target: PushTarget, seed = 'e2e'): Promise<PushedWorld> {
  const python36 = await pushImage(target, 'lablup/kernel-python', '3.6-ubuntu18.04', { seed: `${seed}-py36` });
  const python37 = await pushImage(target, 'lablup/kernel-python', '3.7-ubuntu18.04', { seed: `${seed}-py37` });
  const julia = await pushIndex(target, 'lablup/kernel-julia', '0.6-debian', {
    seed: `${seed}-julia`,
    platforms: [
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
      { os: 'linux', architecture: 'amd64' },
    ],
  });
  const ngc = await pushImage(target, 'lablup/kernel-ngc-pytorch', '18.12.1-py3', { seed: `${seed}-ngc` });
  const go19 = await pushImage(target, 'lablup/kernel-go', '1.9-alpine', { seed: `${seed}-go19` });
  const platform = (arch: string) => julia.platforms.find((p) => p.architecture === arch)!.configDigest;
  return {
    python36: imageId12(python36.configDigest),
    python37: imageId12(python37.configDigest),
    juliaAmd64: imageId12(platform('amd64')),
    juliaArm64: imageId12(platform('arm64')),
    ngcPytorch: imageId12(ngc.configDigest),
    go19: imageId12(go19.configDigest),
  };
}

/** Replaces exactly one occurrence of `from` (fails loudly if it is not there once). */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one ${JSON.stringify(from)} in the fixture`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The file as it should read after one update against `pushed`. */
export function expectedMetadata(pushed: PushedWorld, text = originalMetadata): string {
  let out = text;
  out = replaceOnce(
    out,
    '      - ["3.6-ubuntu18.04", "ca7b9f52b6c2"]\n',
    `      - ["3.6-ubuntu18.04", "${pushed.python36}"]\n      - ["3.7-ubuntu18.04", "${pushed.python37}"]\n`,
  );
  out = replaceOnce(out, '      - ["0.6-debian", "d34a84a8b4f6"]\n', `      - ["0.6-debian", "${pushed.juliaAmd64}"]\n`);
  out = replaceOnce(out, '      - ["18.12.1-py3", "x"]\n', `      - ["18.12.1-py3", "${pushed.ngcPytorch}"]\n`);
  out = replaceOnce(out, '      - ["1.9-alpine", "6664d2b3b5f1"]\n', `      - ["1.9-alpine", "${pushed.go19}"]\n`);
  return out;
}

export interface ConfigOptions {
  registry: string;
  gitUrl?: string;
  mode?: 'push' | 'pull-request';
  githubApiUrl?: string;
  files?: string[];
  extraTargets?: string[];
}

/** An imgsync.config.yaml for the pushed repositories, optionally delivering to `gitUrl`. */
export function configText(options: ConfigOptions): string {
  const files = options.files ?? [metadataPath];
  const lines = [
    'targets:',
    `  - files: ${JSON.stringify(files)}`,
    '    format: backendai',
    `    registry: ${options.registry}`,
    '    repository: lablup/kernel-{name}',
    "    tags: { include: '^\\d', exclude: ['-rc\\d*$'] }",
    '    digest: image-id-12',
    ...(options.extraTargets ?? []),
    'registries:',
    `  "${options.registry}": { retries: 0, timeoutMs: 5000 }`,
  ];
  if (options.gitUrl) {
    lines.push(
      'git:',
      `  url: ${options.gitUrl}`,
      '  branch: main',
      `  mode: ${options.mode ?? 'push'}`,
      '  token: env:IMGSYNC_GIT_TOKEN',
      '  author: { name: imgsync-e2e, email: imgsync-e2e@example.test }',
      ...(options.githubApiUrl ? [`  githubApiUrl: ${options.githubApiUrl}`] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}
