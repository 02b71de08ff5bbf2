/**
 * `deploy/template.yaml` (AWS SAM) holds together: it passes cfn-lint (the real
 * CloudFormation validator, SAM transform included), every `!Ref` / `!GetAtt` names a
 * parameter or resource of the template, a stack without exactly one config is refused
 * by its Rules, every token source the handler reads is accepted and granted (and only
 * that one), the function runs the bundle the build makes with the environment the
 * handler reads, the schedule is an EventBridge Scheduler schedule with a cron parameter,
 * failures reach a dead-letter queue and alarms, and each IAM statement names one
 * resource of this stack.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { secretLocation } from '../../packages/lambda/src/git-token.js';

const templatePath = fileURLToPath(new URL('../../deploy/template.yaml', import.meta.url));
const handlerSource = fileURLToPath(new URL('../../packages/lambda/src/', import.meta.url));

type Json = any;

/** CloudFormation's short-form intrinsics, read into their long forms (`!Ref X` -> `{ Ref: 'X' }`). */
const intrinsics = [
  'Ref',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Condition',
];
const customTags: Tags = intrinsics.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const wrap = (value: unknown) => ({ [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value });
  return [
    { tag: `!${name}`, resolve: (value: string) => wrap(value) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()) },
    { tag: `!${name}`, collection: 'map' as const, resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()) },
  ];
});

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

const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::StackName': 'imgsync',
};

/**
 * What CloudFormation makes of a template value for the given parameter values: the
 * intrinsics this template uses, evaluated (`Fn::If` takes only its chosen branch).
 */
function evaluate(value: Json, params: Record<string, string>): Json {
  const ev = (v: Json): Json => evaluate(v, params);
  // `!Ref AWS::NoValue` removes the list item or property it stands for
  if (Array.isArray(value)) return value.map(ev).filter((v) => v !== NO_VALUE);
  if (!value || typeof value !== 'object') return value;
  const [key] = Object.keys(value);
  const arg = value[key!];
  const sub = (text: string, vars: Record<string, string>) =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => vars[name] ?? params[name] ?? pseudoParameters[name] ?? `<${name}?>`);
  switch (key) {
    case 'Ref':
      if (arg === 'AWS::NoValue') return NO_VALUE;
      return (
        params[arg] ??
        pseudoParameters[arg] ??
        (arg in resources
          ? `<${arg}>`
          : (() => {
              throw new Error(`Ref ${arg}`);
            })())
      );
    case 'Condition':
      return ev(template.Conditions[arg]);
    case 'Fn::Equals':
      return ev(arg[0]) === ev(arg[1]);
    case 'Fn::Not':
      return !ev(arg[0]);
    case 'Fn::Or':
      return arg.some((a: Json) => ev(a));
    case 'Fn::And':
      return arg.every((a: Json) => ev(a));
    case 'Fn::If':
      return ev(template.Conditions[arg[0]]) ? ev(arg[1]) : ev(arg[2]);
    case 'Fn::Split':
      return String(ev(arg[1])).split(arg[0]);
    case 'Fn::Join':
      return ev(arg[1]).join(arg[0]);
    case 'Fn::Select': {
      const list = ev(arg[1]);
      if (arg[0] >= list.length) throw new Error(`Fn::Select ${arg[0]} of ${JSON.stringify(list)}`);
      return list[arg[0]];
    }
    case 'Fn::Sub':
      return typeof arg === 'string' ? sub(arg, {}) : sub(arg[0], Object.fromEntries(Object.entries(arg[1]).map(([k, v]) => [k, ev(v)])));
    case 'Fn::GetAtt':
      return `<${arg.join('.')}>`;
    default:
      return Object.fromEntries(
        Object.entries(value)
          .map(([k, v]) => [k, ev(v)])
          .filter(([, v]) => v !== NO_VALUE),
      );
  }
}

const NO_VALUE = Symbol('AWS::NoValue');

/** The parameter values a deployment would have: the defaults, overridden. */
function parameters(overrides: Record<string, string>): Record<string, string> {
  const values = Object.fromEntries(Object.entries(template.Parameters).map(([name, p]: [string, Json]) => [name, String(p.Default ?? '')]));
  return { ...values, ...overrides };
}

/** The descriptions of the Rules assertions that fail for these parameter values. */
function failedRules(params: Record<string, string>): string[] {
  return Object.values(template.Rules as Record<string, Json>).flatMap((rule) =>
    rule.Assertions.filter((a: Json) => !evaluate(a.Assert, params)).map((a: Json) => a.AssertDescription as string),
  );
}

describe('deploy/template.yaml', () => {
  it('passes cfn-lint, which finds a broken copy of it', () => {
    const lint = (path: string) => spawnSync('cfn-lint', ['--format', 'parseable', path], { encoding: 'utf8', timeout: 120_000 });
    const ok = lint(templatePath);
    expect(ok.error, 'cfn-lint must be installed (pip install cfn-lint; .ci/run does)').toBeUndefined();
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'imgsync-cfn-'));
    try {
      const broken = join(dir, 'template.yaml');
      writeFileSync(broken, readFileSync(templatePath, 'utf8').replace('Runtime: nodejs22.x', 'Runtime: nodejs99.x'));
      const bad = lint(broken);
      expect(bad.status).not.toBe(0);
      expect(bad.stdout).toMatch(/nodejs99\.x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a stack without a config, or with both kinds, saying what to set', () => {
    expect(failedRules(parameters({}))).toEqual([
      'Set ImgsyncConfig (the config inline) or ImgsyncConfigFile (a config file added to the zip); without a config the function fails on every run.',
    ]);
    expect(failedRules(parameters({ ImgsyncConfig: 'targets: []' }))).toEqual([]);
    expect(failedRules(parameters({ ImgsyncConfigFile: 'imgsync.config.yaml' }))).toEqual([]);
    expect(failedRules(parameters({ ImgsyncConfig: 'targets: []', ImgsyncConfigFile: 'imgsync.config.yaml' }))).toEqual([
      'Set only one of ImgsyncConfig and ImgsyncConfigFile; the function refuses to guess which one is meant.',
    ]);
  });

  it.each([
    ['imgsync/git-token', 'secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:imgsync/git-token-??????'],
    [
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:imgsync/git-token-AbCdEf',
      'secretsmanager:GetSecretValue',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:imgsync/git-token-AbCdEf',
    ],
    ['ssm:/imgsync/git-token', 'ssm:GetParameter', 'arn:aws:ssm:eu-west-1:123456789012:parameter/imgsync/git-token'],
    ['ssm:imgsync-git-token', 'ssm:GetParameter', 'arn:aws:ssm:eu-west-1:123456789012:parameter/imgsync-git-token'],
  ])('accepts the token source %s that the handler reads, and grants reading it alone', (source, action, arn) => {
    expect(source).toMatch(new RegExp(template.Parameters.GitTokenSecretName.AllowedPattern));
    expect(`${secretLocation(source).service}:`).toBe(action.replace(/:.*/, ':'));
    const role = evaluate(resources.FunctionRole, parameters({ ImgsyncConfigFile: 'imgsync.config.yaml', GitTokenSecretName: source }));
    const token = statements(role).filter((st: Json) => st.Sid === 'GitToken');
    expect(token).toEqual([{ Sid: 'GitToken', Effect: 'Allow', Action: action, Resource: arn }]);
  });

  it.each(['', 'has space', 'ssm:/a b', 'ssm:/a:b', 'arn:aws:ssm:eu-west-1:123456789012:parameter/x'])('refuses the token source %j', (source) => {
    expect(source).not.toMatch(new RegExp(template.Parameters.GitTokenSecretName.AllowedPattern));
  });

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
    expect(fn.Properties).toMatchObject({ Handler: 'handler.handler', Runtime: expect.stringMatching(/^nodejs(20|22)\.x$/) });
    // one run at a time (two never race on a push); a fleet's shards, on disjoint repositories, as many as the Map runs
    const config = { ImgsyncConfigFile: 'imgsync.config.yaml' };
    expect(evaluate(fn.Properties.ReservedConcurrentExecutions, parameters(config))).toBe(1);
    expect(evaluate(fn.Properties.ReservedConcurrentExecutions, parameters({ ...config, FleetShards: '8', FleetMaxConcurrency: '3' }))).toBe('3');
    const codeUri = resolve(dirname(templatePath), fn.Properties.CodeUri);
    expect(codeUri).toBe(fileURLToPath(new URL('../../packages/lambda/dist/handler.zip', import.meta.url)));
    expect(existsSync(codeUri)).toBe(true);
    expect(template.Parameters.MemorySize.Default).toBeGreaterThanOrEqual(128);

    const variables = fn.Properties.Environment.Variables;
    expect(variables.IMGSYNC_GIT_TOKEN_SECRET).toEqual({ Ref: 'GitTokenSecretName' });
    expect(variables.IMGSYNC_CONFIG).toEqual({ 'Fn::If': ['HasInlineConfig', { Ref: 'ImgsyncConfig' }, { Ref: 'AWS::NoValue' }] });
    expect(variables.IMGSYNC_CONFIG_FILE).toEqual({ 'Fn::If': ['HasConfigFile', { Ref: 'ImgsyncConfigFile' }, { Ref: 'AWS::NoValue' }] });
    // every variable the template sets is one the handler reads
    const sources = ['config-source.ts', 'git-token.ts', 'handler.ts', 'scheduled-run.ts']
      .map((f) => readFileSync(resolve(handlerSource, f), 'utf8'))
      .join('\n');
    for (const name of Object.keys(variables)) expect(sources).toContain(`env.${name}`);
  });

  it('schedules it with EventBridge Scheduler on a cron expression parameter', () => {
    const schedule = resources.Schedule;
    expect(schedule.Type).toBe('AWS::Scheduler::Schedule');
    expect(schedule.Properties.ScheduleExpression).toEqual({ Ref: 'ScheduleExpression' });
    expect(template.Parameters.ScheduleExpression.Default).toMatch(/^cron\(.+\)$/);
    const config = { ImgsyncConfigFile: 'imgsync.config.yaml' };
    expect(evaluate(schedule.Properties.Target, parameters(config))).toMatchObject({
      Arn: '<Function.Arn>',
      RoleArn: '<SchedulerRole.Arn>',
      Input: '{"source":"imgsync.schedule"}',
      DeadLetterConfig: { Arn: '<DeadLetterQueue.Arn>' },
    });
    // a fleet in shards: the state machine, with the numbers its states read from the input
    const fleet = evaluate(schedule.Properties.Target, parameters({ ...config, FleetShards: '8', FleetMaxConcurrency: '3' }));
    expect(fleet).toMatchObject({ Arn: '<FleetStateMachine>', RoleArn: '<SchedulerRole.Arn>' });
    expect(JSON.parse(fleet.Input)).toEqual({ source: 'imgsync.schedule', shards: 8, maxConcurrency: 3 });
  });

  it('sends failures to a dead-letter queue and alarms on errors and dead letters', () => {
    expect(resources.DeadLetterQueue.Type).toBe('AWS::SQS::Queue');
    expect(resources.Function.Properties.DeadLetterQueue).toEqual({ Type: 'SQS', TargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } });
    const alarms = Object.values(resources).filter((r: Json) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(alarms.map((a: Json) => [a.Properties.Namespace, a.Properties.MetricName, a.Properties.Dimensions[0].Value])).toEqual([
      ['AWS/States', 'ExecutionsFailed', { Ref: 'FleetStateMachine' }],
      ['AWS/Lambda', 'Errors', { Ref: 'Function' }],
      ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] }],
    ]);
    expect(resources.FleetFailedAlarm.Condition).toBe('IsFleet');
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
  });

  it("grants least privilege: named actions on this stack's resources only, no wildcards", () => {
    expect(resources.Function.Properties.Role).toEqual({ 'Fn::GetAtt': ['FunctionRole', 'Arn'] });
    expect(resources.Function.Properties.Policies).toBeUndefined();
    const roles = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    expect(roles.map(([name]) => name).sort()).toEqual(['FleetStateMachineRole', 'FunctionRole', 'SchedulerRole']);

    const grants = (role: Json) =>
      statements(role).map((s: Json) => {
        expect(s.Effect).toBe('Allow');
        expect(JSON.stringify(s.Action)).not.toContain('*');
        expect(s.Resource).not.toBe('*');
        expect(Array.isArray(s.Resource)).toBe(false);
        return [[s.Action].flat().join(','), s.Resource];
      });
    // the token statement is chosen by the kind of token source (see the test above)
    const functionRole = evaluate(resources.FunctionRole, parameters({ ImgsyncConfigFile: 'imgsync.config.yaml' }));
    expect(grants(functionRole)).toEqual([
      ['logs:CreateLogStream,logs:PutLogEvents', '<LogGroup.Arn>'],
      ['secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:imgsync/git-token-??????'],
      ['sqs:SendMessage', '<DeadLetterQueue.Arn>'],
    ]);
    expect(grants(evaluate(resources.SchedulerRole, parameters({ ImgsyncConfigFile: 'imgsync.config.yaml' })))).toEqual([
      ['lambda:InvokeFunction', '<Function.Arn>'],
      ['sqs:SendMessage', '<DeadLetterQueue.Arn>'],
    ]);
    // a fleet in shards: the schedule starts the state machine, which invokes the function and runs its map; the function reads and writes the ticks
    const fleet = parameters({ ImgsyncConfigFile: 'imgsync.config.yaml', FleetShards: '4' });
    expect(grants(evaluate(resources.SchedulerRole, fleet))).toEqual([
      ['states:StartExecution', '<FleetStateMachine>'],
      ['sqs:SendMessage', '<DeadLetterQueue.Arn>'],
    ]);
    expect(grants(evaluate(resources.FunctionRole, fleet)).at(-1)).toEqual(['s3:GetObject,s3:PutObject', '<TicksBucket.Arn?>/ticks/*']);
    expect(grants(evaluate(resources.FleetStateMachineRole, fleet))).toEqual([
      ['lambda:InvokeFunction', '<Function.Arn>'],
      ['states:StartExecution', 'arn:aws:states:eu-west-1:123456789012:stateMachine:imgsync-imgsync-fleet'],
      ['states:DescribeExecution,states:StopExecution', 'arn:aws:states:eu-west-1:123456789012:execution:imgsync-imgsync-fleet/*'],
    ]);
    expect(evaluate(resources.FleetStateMachine.Properties.Name, fleet)).toBe('imgsync-imgsync-fleet');
    for (const name of ['TicksBucket', 'FleetStateMachineRole', 'FleetStateMachine']) expect(resources[name].Condition).toBe('IsFleet');
    expect(resources.FunctionRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(resources.SchedulerRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    expect(resources.FunctionRole.Properties.ManagedPolicyArns).toBeUndefined();
  });
});
