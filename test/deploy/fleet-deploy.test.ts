/**
 * The fleet's fan-out examples hand shards to engines people already run: a Kubernetes
 * Indexed Job, an AWS Step Functions Distributed Map (in the SAM template, checked by
 * asl-validator), a GitHub Actions matrix. Each must give
 * every shard index once, with the count the shards are computed for.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, type Tags } from 'yaml';
import { repoRoot } from '@imgsync/test-helpers/fixtures.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** CloudFormation's short-form intrinsics (`!Ref X`), read into their long forms. */
const cloudFormationTags: Tags = ['Ref', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select', 'Split'].flatMap((name) => {
  const key = name === 'Ref' ? name : `Fn::${name}`;
  return (['scalar', 'seq', 'map'] as const).map((kind) => ({
    tag: `!${name}`,
    ...(kind !== 'scalar' && { collection: kind }),
    resolve: (value: string | { toJSON(): unknown }) => ({ [key]: typeof value === 'string' ? value : value.toJSON() }),
  }));
});

describe('fleet fan-out examples', () => {
  it('Kubernetes: a recording CronJob, then an Indexed Job whose completions equal IMGSYNC_SHARD_COUNT reading the recording; the bundle as command, images pinned', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/fleet-indexed-job.yaml')).map((d) => d.toJS());
    const [claim, recorder, cron] = docs;
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'PersistentVolumeClaim/imgsync-ticks',
      'CronJob/imgsync-fleet-record',
      'CronJob/imgsync-fleet',
    ]);
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    const envOf = (container: { env: { name: string; value?: string }[] }): Record<string, string> =>
      Object.fromEntries(container.env.map((e) => [e.name, e.value ?? '']));
    const job = cron.spec.jobTemplate.spec;
    expect(job).toMatchObject({ completionMode: 'Indexed' });
    const [container] = job.template.spec.containers;
    const env = envOf(container);
    expect(Number(env.IMGSYNC_SHARD_COUNT)).toBe(job.completions);
    expect(job.parallelism).toBeLessThanOrEqual(job.completions);
    expect(container.command).toEqual(['node', '/opt/imgsync/handler.mjs']);
    // the run ends before Kubernetes kills the pod
    expect(Number.parseInt(env.IMGSYNC_DEADLINE!, 10) * 60).toBeLessThan(job.activeDeadlineSeconds);

    // the recording: written where the shards read it, finished before they start
    const [recording] = recorder.spec.jobTemplate.spec.template.spec.containers;
    expect(envOf(recording).IMGSYNC_RECORD).toBe(env.IMGSYNC_SNAPSHOT);
    const minute = (schedule: string) => Number(schedule.split(' ')[0]);
    expect(minute(recorder.spec.schedule) * 60 + recorder.spec.jobTemplate.spec.activeDeadlineSeconds).toBeLessThanOrEqual(minute(cron.spec.schedule) * 60);
    const mountOf = (c: { volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }) => c.volumeMounts.find((m) => m.name === 'ticks');
    expect(env.IMGSYNC_SNAPSHOT!.startsWith(`${mountOf(container)!.mountPath}/`)).toBe(true);
    expect(mountOf(container)!.readOnly).toBe(true);
    expect(mountOf(recording)!.readOnly).toBeUndefined();
    for (const c of [container, recording]) expect(c.image).toMatch(/^node:22-alpine@sha256:[0-9a-f]{64}$/);
    expect(read('packages/lambda/src/handler.ts')).toContain('process.env.IMGSYNC_RECORD');
  });

  it("AWS: the SAM template's state machine records the tick, then a Distributed Map invokes the function per item; asl-validator accepts it and refuses a broken copy", () => {
    const template = parse(read('deploy/template.yaml'), { customTags: cloudFormationTags });
    const machine = template.Resources.FleetStateMachine.Properties;
    // the definition as deployed: DefinitionSubstitutions filled in
    const definition = JSON.stringify(machine.Definition)
      .replaceAll('${FunctionArn}', 'arn:aws:lambda:eu-west-1:123456789012:function:imgsync-imgsync')
      .replaceAll('${TicksBucket}', 'imgsync-ticksbucket-abc');
    expect(Object.keys(machine.DefinitionSubstitutions).sort()).toEqual(['FunctionArn', 'TicksBucket']);
    const validate = (text: string) =>
      spawnSync(join(repoRoot, 'node_modules/.bin/asl-validator'), ['--json-definition', text], { encoding: 'utf8', timeout: 60_000 });
    const valid = validate(definition);
    expect(valid.stdout + valid.stderr).toMatch(/is valid/);
    expect(valid.status).toBe(0);
    const broken = validate(definition.replace('"ItemsPath":"$.tick.items"', '"ItemsPath":"tick.items"'));
    expect(broken.status).not.toBe(0);

    const states = JSON.parse(definition);
    const record = states.States[states.StartAt];
    expect(record).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      ResultSelector: { 'items.$': '$.Payload.items' },
      ResultPath: '$.tick',
      Next: 'Shards',
    });
    expect(record.Parameters.Payload).toEqual({
      'record.$': "States.Format('s3://imgsync-ticksbucket-abc/ticks/{}.json', $$.Execution.Name)",
      'shards.$': '$.shards',
    });
    const map = states.States[record.Next];
    expect(map).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.tick.items',
      MaxConcurrencyPath: '$.maxConcurrency',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' } },
    });
    const task = map.ItemProcessor.States[map.ItemProcessor.StartAt];
    expect(task).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'Payload.$': '$' } });
    // the handler reads what these states send: { record, shards } and { shard, snapshot }
    const handler = read('packages/lambda/src/handler.ts');
    expect(handler).toContain('const { shard, snapshot, record, shards } = event as Record<string, unknown>;');
    // the schedule's input carries the numbers the states read
    expect(template.Resources.Schedule.Properties.Target.Input['Fn::If'][1]['Fn::Sub']).toContain(
      '"shards":${FleetShards},"maxConcurrency":${FleetMaxConcurrency}',
    );
  });

  it('GitHub Actions: a record job, then a matrix job per shard index passing i/n and the recording to the action; action-validator accepts it', () => {
    const workflow = parse(read('examples/github-actions/fleet-matrix.yml'));
    const job = workflow.jobs.shard;
    const shards: number[] = job.strategy.matrix.shard;
    const step = job.steps.find((s: { uses?: string }) => s.uses?.startsWith('imgsync/imgsync'));
    const count = Number(/\/(\d+)$/.exec(step.with.shard)![1]);
    expect(shards).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(job.strategy['fail-fast']).toBe(false);
    // the recording travels as an artifact from the record job to every shard
    expect(job.needs).toBe('record');
    const record = workflow.jobs.record.steps;
    const recorded = record.find((s: { uses?: string }) => s.uses?.startsWith('imgsync/imgsync')).with.record;
    expect(record.find((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact')).with).toMatchObject({ name: 'imgsync-tick', path: recorded });
    expect(job.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/download-artifact')).with).toEqual({ name: 'imgsync-tick' });
    expect(step.with.snapshot).toBe(recorded);
    const action = parse(read('action.yml'));
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['shard', 'snapshot', 'record']));
    const validated = spawnSync(join(repoRoot, 'node_modules/.bin/action-validator'), [join(repoRoot, 'examples/github-actions/fleet-matrix.yml')], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(validated.stdout + validated.stderr).toBe('');
    expect(validated.status).toBe(0);
  });
});
