import { Match } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { VISIBILITY_TIMEOUT_FACTOR } from '../../infra/constructs/roster-sync';
import { parseConfig } from '../../lib/config/load';
import { ENV } from '../../lib/runtime/environment';
import {
  asList,
  describeResource,
  exampleConfig,
  exampleConfigInput,
  logicalId,
  type PolicyStatement,
  resource,
  roleId,
  roleStatements,
  type SynthesizedStack,
  synthesize,
} from './support';

let synthesized: SynthesizedStack;

beforeAll(() => {
  synthesized = synthesize();
});

function ids() {
  const { rosterSync, reportDelivery, alerts } = synthesized.stack;
  return {
    webhookFunction: logicalId(rosterSync.webhookFunction),
    applyFunction: logicalId(rosterSync.applyFunction),
    queue: logicalId(rosterSync.queue),
    deadLetterQueue: logicalId(rosterSync.deadLetterQueue),
    table: logicalId(rosterSync.stateTable),
    bucket: logicalId(reportDelivery.bucket),
    accessLogsBucket: logicalId(reportDelivery.accessLogsBucket),
    stateMachine: logicalId(reportDelivery.stateMachine),
    scheduleDeadLetterQueue: logicalId(reportDelivery.scheduleDeadLetterQueue),
    reconcileFailureQueue: logicalId(synthesized.stack.rosterReconcile.failureQueue),
    topic: logicalId(alerts.topic),
    key: logicalId(alerts.key),
  };
}

/**
 * Returns the functions of `functions/`, without the one the CDK adds per stack to set S3 bucket
 * notifications at deployment time.
 */
function talentSyncFunctions() {
  return Object.entries(synthesized.template.findResources('AWS::Lambda::Function')).filter(
    ([id]) => !id.startsWith('BucketNotificationsHandler'),
  );
}

describe('RosterSync', () => {
  it('routes POST /webhooks/{source} to the webhook function', () => {
    const { template } = synthesized;
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes).map((route) => route.Properties.RouteKey);
    expect(keys).toEqual(['POST /webhooks/{source}']);

    const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
    expect(integrations).toHaveLength(1);
    expect(describeResource(integrations[0]?.Properties.IntegrationUri)).toBe(ids().webhookFunction);
  });

  it('throttles the stage and writes JSON access logs', () => {
    const stage = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });

    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.status).toBe('$context.status');
    expect(describeResource(stage?.Properties.AccessLogSettings.DestinationArn)).toMatch(/ApiAccessLogs/);
  });

  it('queues roster events on a high-throughput FIFO queue', () => {
    const queue = resource(synthesized.template, ids().queue).Properties;
    expect(queue.QueueName).toBe('TalentSync-roster.fifo');
    expect(queue.FifoQueue).toBe(true);
    expect(queue.ContentBasedDeduplication).toBe(false);
    expect(queue.DeduplicationScope).toBe('messageGroup');
    expect(queue.FifoThroughputLimit).toBe('perMessageGroupId');
    expect(queue.SqsManagedSseEnabled).toBe(true);
  });

  it('dead-letters a message after five receives', () => {
    const { template } = synthesized;
    const queue = resource(template, ids().queue).Properties;
    const redrive = queue.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(5);
    expect(describeResource(redrive.deadLetterTargetArn)).toBe(ids().deadLetterQueue);

    const deadLetterQueue = resource(template, ids().deadLetterQueue).Properties;
    expect(deadLetterQueue.FifoQueue).toBe(true);
    expect(deadLetterQueue.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
    expect(deadLetterQueue.SqsManagedSseEnabled).toBe(true);
  });

  it('sets visibility timeout to six apply timeouts', () => {
    const { template } = synthesized;
    const applyTimeout = resource(template, ids().applyFunction).Properties.Timeout as number;
    const visibility = resource(template, ids().queue).Properties.VisibilityTimeout as number;
    expect(visibility).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * applyTimeout);
  });

  it('denies queue access without TLS', () => {
    const policies = Object.values(synthesized.template.findResources('AWS::SQS::QueuePolicy'));
    const guarded = policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>)
        .filter((statement) => statement.Effect === 'Deny')
        .filter(
          (statement) => JSON.stringify(statement.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}',
        )
        .flatMap(() => (policy.Properties.Queues as unknown[]).map(describeResource)),
    );
    expect(guarded.sort()).toEqual(
      [ids().deadLetterQueue, ids().queue, ids().scheduleDeadLetterQueue, ids().reconcileFailureQueue].sort(),
    );
  });

  it('feeds the apply function in batches with partial failures', () => {
    const mappings = Object.values(synthesized.template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties;
    expect(describeResource(mapping?.EventSourceArn)).toBe(ids().queue);
    expect(describeResource(mapping?.FunctionName)).toBe(ids().applyFunction);
    expect(mapping?.BatchSize).toBe(10);
    expect(mapping?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping?.ScalingConfig).toEqual({ MaximumConcurrency: 5 });
  });

  it('keys the state table by pk with point-in-time recovery', () => {
    const table = resource(synthesized.template, ids().table);
    expect(table.Properties.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(table.Properties.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('passes resource names in environment variables', () => {
    const { template } = synthesized;
    const variables = (id: string) =>
      (resource(template, id).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(describeResource(variables(ids().webhookFunction)[ENV.rosterQueueUrl])).toBe(ids().queue);
    expect(describeResource(variables(ids().applyFunction)[ENV.stateTableName])).toBe(ids().table);
    const save = logicalId(synthesized.stack.reportDelivery.saveFunction);
    expect(describeResource(variables(save)[ENV.reportBucket])).toBe(ids().bucket);
  });
});

describe('ReportDelivery bucket', () => {
  it('encrypts, blocks public access and keeps versions', () => {
    const bucket = resource(synthesized.template, ids().bucket).Properties;
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('denies requests without TLS', () => {
    synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids().bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('aborts incomplete multipart uploads after one day', () => {
    const rules = lifecycleRules(synthesized);
    expect(rules.find((rule) => rule.AbortIncompleteMultipartUpload)?.AbortIncompleteMultipartUpload).toEqual(
      {
        DaysAfterInitiation: 1,
      },
    );
  });

  it('expires reports under the prefix after the retention days', () => {
    const rules = lifecycleRules(synthesized);
    const expiry = rules.find((rule) => rule.ExpirationInDays !== undefined);
    expect(expiry?.Prefix).toBe('reports/');
    expect(expiry?.ExpirationInDays).toBe(400);
  });

  it('keeps reports without retention days', () => {
    const input = exampleConfigInput();
    delete (input.reports as Record<string, unknown>).retentionDays;
    const rules = lifecycleRules(synthesize(parseConfig(input)));
    expect(rules.filter((rule) => rule.ExpirationInDays !== undefined)).toEqual([]);
  });

  it('logs server access to the access logs bucket', () => {
    const logging = resource(synthesized.template, ids().bucket).Properties.LoggingConfiguration as {
      DestinationBucketName: unknown;
    };
    expect(describeResource(logging.DestinationBucketName)).toBe(ids().accessLogsBucket);
  });
});

describe('ReportDelivery state machine', () => {
  it('uses the state names the local runner binds', () => {
    const names = Object.keys(definition().States).sort();
    expect(names).toEqual(
      [
        'DescribeFailure',
        'IsReportReady',
        'IsReportRequested',
        'NotifyFailure',
        'PollReport',
        'ReportFailed',
        'ReportSaved',
        'RequestReport',
        'SaveReport',
        'WaitForReport',
      ].sort(),
    );
  });

  it('runs request, wait, poll and choice in order', () => {
    const { StartAt, States } = definition();
    expect(StartAt).toBe('RequestReport');
    expect(States.RequestReport?.Next).toBe('IsReportRequested');
    expect(States.IsReportRequested?.Default).toBe('WaitForReport');
    expect(States.WaitForReport?.Next).toBe('PollReport');
    expect(States.PollReport?.Next).toBe('IsReportReady');
    expect(States.SaveReport?.Next).toBe('ReportSaved');
    expect(States.DescribeFailure?.Next).toBe('NotifyFailure');
    expect(States.NotifyFailure?.Next).toBe('ReportFailed');
    expect(States.ReportSaved?.Type).toBe('Succeed');
    expect(States.ReportFailed?.Type).toBe('Fail');
  });

  it('waits for the seconds at $.waitSeconds', () => {
    const wait = definition().States.WaitForReport;
    expect(wait?.Type).toBe('Wait');
    expect(wait?.SecondsPath).toBe('$.waitSeconds');
  });

  it('branches on $.status', () => {
    const choice = definition().States.IsReportReady;
    expect(choice?.Choices).toEqual([
      { Variable: '$.status', StringEquals: 'complete', Next: 'SaveReport' },
      { Variable: '$.status', StringEquals: 'pending', Next: 'WaitForReport' },
    ]);
    expect(choice?.Default).toBe('DescribeFailure');
  });

  it('sends a live run that RequestReport returns complete straight to SaveReport', () => {
    expect(definition().States.IsReportRequested?.Choices).toEqual([
      { Variable: '$.status', StringEquals: 'complete', Next: 'SaveReport' },
    ]);
  });

  it('invokes functions with retries and a catch', () => {
    const { States } = definition();
    const functions = {
      RequestReport: logicalId(synthesized.stack.reportDelivery.requestFunction),
      PollReport: logicalId(synthesized.stack.reportDelivery.pollFunction),
      SaveReport: logicalId(synthesized.stack.reportDelivery.saveFunction),
    };
    for (const [name, functionId] of Object.entries(functions)) {
      const state = States[name];
      expect(state?.Resource, name).toBe(functionId);
      expect(state?.Parameters, name).toBeUndefined();
      const retried = state?.Retry?.flatMap((retry) => retry.ErrorEquals) ?? [];
      expect(retried, name).toEqual(
        expect.arrayContaining([
          'Lambda.ServiceException',
          'Lambda.TooManyRequestsException',
          'States.TaskFailed',
        ]),
      );
      expect(state?.Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'DescribeFailure' },
      ]);
    }
  });

  it('publishes the described failure to the alert topic', () => {
    const notify = definition().States.NotifyFailure;
    expect(notify?.Resource).toBe('arn:AWS::Partition:states:::sns:publish');
    expect(notify?.Parameters?.TopicArn).toBe(ids().topic);
    expect(notify?.Parameters?.['Message.$']).toBe('$.alert.message');
    expect(notify?.Parameters?.['Subject.$']).toBe('$.alert.subject');
  });

  it('runs standard JSONPath with tracing and error logs', () => {
    const machine = resource(synthesized.template, ids().stateMachine).Properties;
    expect(definition().QueryLanguage).toBe('JSONPath');
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
  });
});

describe('ReportDelivery schedules', () => {
  it('creates one schedule per enabled report', () => {
    const schedules = Object.values(reportSchedules(synthesized.template));
    const expected = exampleConfig().reports.schedules.filter((schedule) => schedule.enabled);
    expect(schedules).toHaveLength(expected.length);

    for (const schedule of expected) {
      const found = schedules.find((candidate) =>
        String(candidate.Properties.Target.Input).includes(`"schedule":"${schedule.name}"`),
      );
      expect(found?.Properties.ScheduleExpression, schedule.name).toBe(schedule.cron);
      expect(found?.Properties.ScheduleExpressionTimezone, schedule.name).toBe(schedule.timeZone);
      expect(found?.Properties.FlexibleTimeWindow, schedule.name).toEqual({ Mode: 'OFF' });
    }
  });

  it('starts executions with schedule and time', () => {
    const schedules = Object.values(reportSchedules(synthesized.template));
    for (const schedule of schedules) {
      const target = schedule.Properties.Target;
      expect(describeResource(target.Arn)).toBe(logicalId(synthesized.stack.reportDelivery.startFunction));
      expect(JSON.parse(target.Input).scheduledTime).toBe('<aws.scheduler.scheduled-time>');
      expect(describeResource(target.DeadLetterConfig.Arn)).toBe(ids().scheduleDeadLetterQueue);
      expect(target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    }
  });

  it('skips a disabled schedule', () => {
    const input = exampleConfigInput();
    const reports = input.reports as { schedules: Array<Record<string, unknown>> };
    for (const schedule of reports.schedules) schedule.enabled = false;
    const { template } = synthesize(parseConfig(input));
    expect(reportSchedules(template)).toEqual({});
  });

  it('encrypts the schedule dead-letter queue', () => {
    const queue = resource(synthesized.template, ids().scheduleDeadLetterQueue).Properties;
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.FifoQueue).toBeUndefined();
  });
});

describe('Alerts', () => {
  it('alarms on failed executions and dead letters', () => {
    const alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
    const metrics = alarms.map((alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}`);
    expect(metrics.sort()).toEqual(
      [
        'AWS/Lambda/Errors',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/States/ExecutionsFailed',
        'AWS/States/ExecutionsTimedOut',
        // The dashboard's alarms, whose thresholds infra/constructs/dashboard.ts sets.
        'AWS/SQS/ApproximateAgeOfOldestMessage',
        'TalentSync/TalentCallErrors',
      ].sort(),
    );
    const queues = alarms
      .filter((alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((alarm) => describeResource(alarm.Properties.Dimensions[0].Value));
    expect(queues.sort()).toEqual(
      [ids().deadLetterQueue, ids().scheduleDeadLetterQueue, ids().reconcileFailureQueue].sort(),
    );
  });

  it('notifies the topic when a count reaches one', () => {
    const alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => !['ApproximateAgeOfOldestMessage', 'TalentCallErrors'].includes(alarm.Properties.MetricName),
    );
    for (const alarm of alarms) {
      expect(alarm.Properties.Threshold).toBe(1);
      expect(alarm.Properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(alarm.Properties.AlarmActions.map(describeResource)).toEqual([ids().topic]);
    }
  });

  it('encrypts the topic with a key that CloudWatch may use', () => {
    const { template } = synthesized;
    const topic = resource(template, ids().topic).Properties;
    expect(describeResource(topic.KmsMasterKeyId)).toBe(ids().key);

    const key = resource(template, ids().key).Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const statements = (key.KeyPolicy as { Statement: Array<Record<string, unknown>> }).Statement;
    const cloudwatch = statements.find(
      (statement) => JSON.stringify(statement.Principal) === '{"Service":"cloudwatch.amazonaws.com"}',
    );
    expect(cloudwatch?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });

  it('denies publishing without TLS', () => {
    synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes the alert e-mail', () => {
    synthesized.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: exampleConfig().alerts.email,
      TopicArn: { Ref: ids().topic },
    });
  });

  it('subscribes nobody without an alert e-mail', () => {
    const input = exampleConfigInput();
    input.alerts = {};
    const { template } = synthesize(parseConfig(input));
    expect(template.findResources('AWS::SNS::Subscription')).toEqual({});
  });
});

describe('functions', () => {
  it('run Node.js 24 on ARM64 with tracing', () => {
    const functions = talentSyncFunctions();
    expect(functions).toHaveLength(9);
    for (const [id, fn] of functions) {
      const props = fn.Properties;
      expect(props.Runtime, id).toBe('nodejs24.x');
      expect(props.Architectures, id).toEqual(['arm64']);
      expect(props.Handler, id).toBe('index.handler');
      expect(props.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(props.Environment.Variables.POWERTOOLS_SERVICE_NAME, id).toMatch(/^(roster|report)-/);
      expect(props.Environment.Variables.POWERTOOLS_LOG_LEVEL, id).toBe('INFO');
      expect(props.Environment.Variables.AWS_NODEJS_CONNECTION_REUSE_ENABLED, id).toBeUndefined();
    }
  });

  it('log to their own log group with a retention period', () => {
    const { template } = synthesized;
    const functions = talentSyncFunctions();
    const logGroups = functions.map(([, fn]) => describeResource(fn.Properties.LoggingConfig.LogGroup));
    expect(new Set(logGroups).size).toBe(functions.length);
    for (const logGroup of logGroups) {
      expect(resource(template, logGroup).Properties.RetentionInDays, logGroup).toBe(90);
    }
  });
});

describe('IAM', () => {
  it('scopes each function role to its own resources', () => {
    const { template, stack } = synthesized;
    const { rosterSync, reportDelivery } = stack;
    const token = 'secret:talent-sync/talent-token';
    const expected: Array<[string, IFunction, string[]]> = [
      [
        'roster-webhook',
        rosterSync.webhookFunction,
        [ids().queue, 'secret:talent-sync/hr-generic-signing', 'secret:talent-sync/merge-signature-key'],
      ],
      [
        'roster-apply',
        rosterSync.applyFunction,
        [ids().queue, ids().table, logicalId(rosterSync.auditTable), token],
      ],
      ['report-request', reportDelivery.requestFunction, [token]],
      ['report-poll', reportDelivery.pollFunction, [token]],
      ['report-save', reportDelivery.saveFunction, [ids().bucket, `${ids().bucket}/reports/*`, token]],
      ['report-start', reportDelivery.startFunction, [ids().stateMachine, ids().scheduleDeadLetterQueue]],
      ['report-alert', reportDelivery.alertFunction, []],
    ];

    for (const [name, fn, resources] of expected) {
      const role = roleId(fn);
      const statements = roleStatements(template, role).filter((statement) => !isXRay(statement));
      const referenced = new Set(
        statements.flatMap((statement) => asList(statement.Resource).map(describeResource)),
      );
      const ownLogGroup = functionLogGroup(template, role);
      expect([...referenced].sort(), name).toEqual([...resources, ownLogGroup].sort());
    }
  });

  it('limits function wildcards to X-Ray', () => {
    const { template } = synthesized;
    for (const fn of allFunctions()) {
      const role = roleId(fn);
      const wildcards = roleStatements(template, role).filter((statement) =>
        asList(statement.Resource).includes('*'),
      );
      expect(wildcards.length, role).toBe(1);
      expect(asList(wildcards[0]?.Action ?? []).sort(), role).toEqual([
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
    }
  });

  it('gives the webhook function only SendMessage on the queue', () => {
    const { template, stack } = synthesized;
    const actions = actionsOn(
      template,
      roleId(stack.rosterSync.webhookFunction),
      (target) => target === ids().queue,
    );
    expect(actions).toEqual(['sqs:SendMessage']);
  });

  it('gives functions only GetSecretValue on secrets', () => {
    const { template } = synthesized;
    for (const fn of allFunctions()) {
      const actions = actionsOn(template, roleId(fn), (target) => target.startsWith('secret:'));
      expect(actions, fn.node.id).toEqual(['secretsmanager:GetSecretValue']);
    }
  });

  it('gives the apply function item reads and writes on the table only', () => {
    const { template, stack } = synthesized;
    const actions = actionsOn(
      template,
      roleId(stack.rosterSync.applyFunction),
      (target) => target === ids().table,
    );
    expect(actions).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('gives the save function object access under the prefix only', () => {
    const { template, stack } = synthesized;
    const actions = actionsOn(template, roleId(stack.reportDelivery.saveFunction), (target) =>
      target.startsWith(`${ids().bucket}/`),
    );
    expect(actions).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject']);
  });

  it('lets the scheduler role invoke only the report-start function', () => {
    const { template } = synthesized;
    // The roster release schedule has a scheduler role of its own, tested in roster-release.test.ts.
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(
      ([id, role]) =>
        !id.startsWith('RosterRelease') &&
        JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(roles).toHaveLength(1);
    const statements = roleStatements(template, roles[0]?.[0] ?? '');
    const invokes = statements.filter((statement) =>
      asList(statement.Action).includes('lambda:InvokeFunction'),
    );
    const startFunction = logicalId(synthesized.stack.reportDelivery.startFunction);
    expect(invokes.flatMap((statement) => asList(statement.Resource).map(describeResource)).sort()).toEqual([
      startFunction,
      `${startFunction}:*`,
    ]);
    const actions = statements.flatMap((statement) => asList(statement.Action)).sort();
    expect(actions).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });

  it('limits state machine wildcards to X-Ray and logs', () => {
    const { template, stack } = synthesized;
    const role = roleId(stack.reportDelivery.stateMachine);
    const wildcardActions = roleStatements(template, role)
      .filter((statement) => asList(statement.Resource).includes('*'))
      .flatMap((statement) => asList(statement.Action));
    expect(wildcardActions.length).toBeGreaterThan(0);
    for (const action of wildcardActions) {
      expect(action).toMatch(
        /^(xray:|logs:(Create|Get|Update|Delete|List)LogDeliver|logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$)/,
      );
    }
  });
});

describe('outputs', () => {
  it('gives the webhook URL up to the source name', () => {
    const output = synthesized.template.toJSON().Outputs?.WebhookBaseUrl as { Value: unknown };
    expect(describeResource(output.Value)).toMatch(/^https:\/\/.+\/webhooks$/);
  });

  it('names the webhook URL, bucket, state machine and queues', () => {
    const outputs = Object.keys(synthesized.template.toJSON().Outputs ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        'WebhookBaseUrl',
        'ReportBucketName',
        'StateMachineArn',
        'RosterQueueUrl',
        'RosterDeadLetterQueueUrl',
        'ScheduleDeadLetterQueueUrl',
      ]),
    );
  });
});

interface StateDefinition {
  Type: string;
  Next?: string;
  Resource?: string;
  SecondsPath?: string;
  Parameters?: Record<string, unknown>;
  Choices?: unknown[];
  Default?: string;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: unknown[];
}

/** Returns the state machine definition with each reference replaced by the logical id it points at. */
function definition(): { StartAt: string; QueryLanguage?: string; States: Record<string, StateDefinition> } {
  const machine = resource(synthesized.template, ids().stateMachine).Properties;
  return JSON.parse(describeResource(machine.DefinitionString));
}

function lifecycleRules({ template, stack }: SynthesizedStack): Array<Record<string, unknown>> {
  const bucket = resource(template, logicalId(stack.reportDelivery.bucket)).Properties;
  return (bucket.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
}

function allFunctions(): IFunction[] {
  const { rosterSync, reportDelivery } = synthesized.stack;
  return [
    rosterSync.webhookFunction,
    rosterSync.applyFunction,
    reportDelivery.requestFunction,
    reportDelivery.pollFunction,
    reportDelivery.saveFunction,
  ];
}

/** Returns the sorted actions that the role's statements allow on resources that match. */
/** The report schedules; the roster release schedule is tested in roster-release.test.ts. */
function reportSchedules(template: SynthesizedStack['template']) {
  const schedules = template.findResources('AWS::Scheduler::Schedule');
  return Object.fromEntries(Object.entries(schedules).filter(([id]) => !id.startsWith('RosterRelease')));
}

function actionsOn(
  template: SynthesizedStack['template'],
  role: string,
  matches: (target: string) => boolean,
): string[] {
  return roleStatements(template, role)
    .filter((statement) => asList(statement.Resource).some((target) => matches(describeResource(target))))
    .flatMap((statement) => asList(statement.Action))
    .sort();
}

function isXRay(statement: PolicyStatement): boolean {
  return asList(statement.Action).every((action) => action.startsWith('xray:'));
}

function functionLogGroup(template: SynthesizedStack['template'], roleId: string): string {
  const fn = resource(template, logicalIdOfFunctionWithRole(template, roleId));
  return describeResource((fn.Properties.LoggingConfig as { LogGroup: unknown }).LogGroup);
}

function logicalIdOfFunctionWithRole(template: SynthesizedStack['template'], roleId: string): string {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(
    ([, fn]) => describeResource(fn.Properties.Role) === roleId,
  );
  if (!found) throw new Error(`No function uses role ${roleId}.`);
  return found[0];
}
