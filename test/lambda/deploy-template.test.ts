/**
 * `deploy/template.yaml` (AWS SAM) holds together: every `!Ref` / `!GetAtt` names a
 * parameter or resource of the template, the function runs the bundle the build makes
 * with the environment the handler reads, the schedule is an EventBridge Scheduler
 * schedule with a cron parameter, failures reach a dead-letter queue and alarms, and
 * each IAM statement names one resource of this stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';

const templatePath = fileURLToPath(new URL('../../deploy/template.yaml', import.meta.url));
const handlerSource = fileURLToPath(new URL('../../packages/lambda/src/', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed template is untyped JSON
type Json = any;

/** CloudFormation's short-form intrinsics, read into their long forms (`!Ref X` -> `{ Ref: 'X' }`). */
const intrinsics = ['Ref', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap', 'Base64', 'GetAZs', 'ImportValue', 'Condition'];
const customTags: Tags = intrinsics.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return [
    { tag: `!${name}`, resolve: (value: string) => wrap(value) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()) },
    { tag: `!${name}`, collection: 'map' as const, resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()) },
  ];
}) as Tags;

let template: Json;
let resources: Record<string, Json>;

beforeAll(() => {
  template = parse(readFileSync(templatePath, 'utf8'), { customTags });
  resources = template.Resources;
});

function walk(value: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (value && typeof value === 'object') {
    visit(value as Record<string, unknown>);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}

function statements(role: Json): Json[] {
  return role.Properties.Policies.flatMap((p: Json) => p.PolicyDocument.Statement);
}

describe('deploy/template.yaml', () => {
  it('is a SAM template whose references all resolve', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    const names = new Set([...Object.keys(template.Parameters), ...Object.keys(resources)]);
    const pseudo = /^AWS::(AccountId|Region|Partition|StackName|NoValue|URLSuffix)$/;
    const dangling: string[] = [];
    walk(template, (node) => {
      if (typeof node.Ref === 'string' && !names.has(node.Ref) && !pseudo.test(node.Ref)) dangling.push(`Ref ${node.Ref}`);
      const att = node['Fn::GetAtt'] as string[] | undefined;
      if (att && !(att[0]! in resources)) dangling.push(`GetAtt ${att.join('.')}`);
      const sub = node['Fn::Sub'];
      if (typeof sub === 'string') {
        for (const [, name] of sub.matchAll(/\$\{([^}]+)\}/g)) {
          if (!names.has(name!.split('.')[0]!) && !pseudo.test(name!)) dangling.push(`Sub ${name}`);
        }
      }
      if (typeof node.Condition === 'string' && !(node.Condition in template.Conditions)) dangling.push(`Condition ${node.Condition}`);
    });
    expect(dangling).toEqual([]);
  });

  it('runs the built bundle with the environment the handler reads', () => {
    const fn = resources.Function;
    expect(fn.Type).toBe('AWS::Serverless::Function');
    expect(fn.Properties).toMatchObject({ Handler: 'handler.handler', Runtime: expect.stringMatching(/^nodejs(20|22)\.x$/), ReservedConcurrentExecutions: 1 });
    const codeUri = resolve(dirname(templatePath), fn.Properties.CodeUri);
    expect(codeUri).toBe(fileURLToPath(new URL('../../packages/lambda/dist/handler.zip', import.meta.url)));
    expect(existsSync(codeUri)).toBe(true);
    expect(template.Parameters.MemorySize.Default).toBeGreaterThanOrEqual(128);

    const variables = fn.Properties.Environment.Variables;
    expect(variables.IMGSYNC_GIT_TOKEN_SECRET).toEqual({ Ref: 'GitTokenSecretName' });
    expect(variables.IMGSYNC_CONFIG).toEqual({ 'Fn::If': ['HasInlineConfig', { Ref: 'ImgsyncConfig' }, { Ref: 'AWS::NoValue' }] });
    expect(variables.IMGSYNC_CONFIG_FILE).toEqual({ 'Fn::If': ['HasConfigFile', { Ref: 'ImgsyncConfigFile' }, { Ref: 'AWS::NoValue' }] });
    // every variable the template sets is one the handler reads
    const sources = ['config-source.ts', 'git-token.ts', 'handler.ts', 'scheduled-run.ts'].map((f) => readFileSync(resolve(handlerSource, f), 'utf8')).join('\n');
    for (const name of Object.keys(variables)) expect(sources).toContain(`env.${name}`);
  });

  it('schedules it with EventBridge Scheduler on a cron expression parameter', () => {
    const schedule = resources.Schedule;
    expect(schedule.Type).toBe('AWS::Scheduler::Schedule');
    expect(schedule.Properties.ScheduleExpression).toEqual({ Ref: 'ScheduleExpression' });
    expect(template.Parameters.ScheduleExpression.Default).toMatch(/^cron\(.+\)$/);
    expect(schedule.Properties.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': ['Function', 'Arn'] },
      RoleArn: { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    });
  });

  it('sends failures to a dead-letter queue and alarms on errors and dead letters', () => {
    expect(resources.DeadLetterQueue.Type).toBe('AWS::SQS::Queue');
    expect(resources.Function.Properties.DeadLetterQueue).toEqual({ Type: 'SQS', TargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
    const alarms = Object.values(resources).filter((r: Json) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map((a: Json) => [a.Properties.Namespace, a.Properties.MetricName, a.Properties.Dimensions[0].Value])).toEqual([
      ['AWS/Lambda', 'Errors', { Ref: 'Function' }],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] }],
    ]);
    for (const alarm of alarms) expect((alarm as Json).Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it('grants least privilege: named actions on this stack\'s resources only, no wildcards', () => {
    expect(resources.Function.Properties.Role).toEqual({ 'Fn::GetAtt': ['FunctionRole', 'Arn'] });
    expect(resources.Function.Properties.Policies).toBeUndefined();
    const roles = Object.entries(resources).filter(([, r]) => (r as Json).Type === 'AWS::IAM::Role');
    expect(roles.map(([name]) => name).sort()).toEqual(['FunctionRole', 'SchedulerRole']);

    const grants = (role: Json) =>
      statements(role).map((s: Json) => {
        expect(s.Effect).toBe('Allow');
        expect(JSON.stringify(s.Action)).not.toContain('*');
        expect(s.Resource).not.toBe('*');
        expect(Array.isArray(s.Resource)).toBe(false);
        return [[s.Action].flat().join(','), s.Resource];
      });
    expect(grants(resources.FunctionRole)).toEqual([
      ['logs:CreateLogStream,logs:PutLogEvents', { 'Fn::GetAtt': ['LogGroup', 'Arn'] }],
      ['secretsmanager:GetSecretValue', { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:${GitTokenSecretName}-??????' }],
      ['sqs:SendMessage', { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }],
    ]);
    expect(grants(resources.SchedulerRole)).toEqual([
      ['lambda:InvokeFunction', { 'Fn::GetAtt': ['Function', 'Arn'] }],
      ['sqs:SendMessage', { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] }],
    ]);
    expect(resources.FunctionRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(resources.SchedulerRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }),
    ]);
    expect(resources.FunctionRole.Properties.ManagedPolicyArns).toBeUndefined();
  });
});
