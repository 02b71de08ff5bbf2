/**
 * The fleet's fan-out examples hand shards to engines people already run: a Kubernetes
 * Indexed Job, an AWS Step Functions Distributed Map, a GitHub Actions matrix. Each must give
 * every shard index once, with the count the shards are computed for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../packages/core/test/helpers/fixtures.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('fleet fan-out examples', () => {
  it('Kubernetes: an Indexed Job whose completions equal IMGSYNC_SHARD_COUNT, one pod per index, the bundle as command', () => {
    const cron = parse(read('deploy/kubernetes/fleet-indexed-job.yaml'));
    const job = cron.spec.jobTemplate.spec;
    expect(job).toMatchObject({ completionMode: 'Indexed' });
    const [container] = job.template.spec.containers;
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    expect(Number(env.IMGSYNC_SHARD_COUNT)).toBe(job.completions);
    expect(job.parallelism).toBeLessThanOrEqual(job.completions);
    expect(container.command).toEqual(['node', '/opt/imgsync/handler.mjs']);
    // the run ends before Kubernetes kills the pod
    expect(Number.parseInt(env.IMGSYNC_DEADLINE, 10) * 60).toBeLessThan(job.activeDeadlineSeconds);
  });

  it('AWS: a Distributed Map invoking the function with each item ({ shard }) as its event', () => {
    const machine = JSON.parse(read('deploy/aws/fleet-state-machine.asl.json'));
    const map = machine.States[machine.StartAt];
    expect(map).toMatchObject({ Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } } });
    const task = map.ItemProcessor.States[map.ItemProcessor.StartAt];
    expect(task).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'Payload.$': '$' } });
    expect(read('packages/lambda/src/handler.ts')).toContain('shardOfEvent(event)');
  });

  it('GitHub Actions: a matrix job per shard index, each passing i/n to the action', () => {
    const workflow = parse(read('examples/github-actions/fleet-matrix.yml'));
    const job = workflow.jobs.shard;
    const shards: number[] = job.strategy.matrix.shard;
    const step = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('imgsync/imgsync'));
    const count = Number(/\/(\d+)$/.exec(step.with.shard)![1]);
    expect(shards).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(job.strategy['fail-fast']).toBe(false);
    const action = parse(read('action.yml'));
    expect(Object.keys(action.inputs)).toContain('shard');
  });
});
