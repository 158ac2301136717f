import { beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_INBOX_DAYS, ROSTER_PLAN_DAYS } from '../../infra/constructs/roster-reconcile';
import { ENV } from '../../lib/runtime/environment';
import {
  asList,
  describeResource,
  logicalId,
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
  const { rosterReconcile, rosterSync } = synthesized.stack;
  return {
    bucket: logicalId(rosterReconcile.bucket),
    accessLogsBucket: logicalId(rosterReconcile.accessLogsBucket),
    fn: logicalId(rosterReconcile.reconcileFunction),
    failureQueue: logicalId(rosterReconcile.failureQueue),
    stateTable: logicalId(rosterSync.stateTable),
    auditTable: logicalId(rosterSync.auditTable),
  };
}

function bucketProperties() {
  return resource(synthesized.template, ids().bucket).Properties;
}

describe('RosterReconcile bucket', () => {
  it('encrypts objects and blocks public access', () => {
    const bucket = bucketProperties();
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('keeps versions and logs access to its own log bucket', () => {
    const bucket = bucketProperties();
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(
      describeResource(
        (bucket.LoggingConfiguration as { DestinationBucketName: unknown }).DestinationBucketName,
      ),
    ).toBe(ids().accessLogsBucket);
  });

  it('expires the inbox and the plans', () => {
    const rules = (bucketProperties().LifecycleConfiguration as { Rules: Array<Record<string, unknown>> })
      .Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'roster/inbox/', ExpirationInDays: ROSTER_INBOX_DAYS }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'roster/plans/', ExpirationInDays: ROSTER_PLAN_DAYS }),
    );
  });

  it('denies access without TLS', () => {
    const policies = Object.values(synthesized.template.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => describeResource(policy.Properties.Bucket) === ids().bucket,
    );
    const statements = policies.flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('notifies the function of new objects under the inbox', () => {
    const notifications = Object.values(synthesized.template.findResources('Custom::S3BucketNotifications'));
    expect(notifications).toHaveLength(1);
    const configuration = notifications[0]?.Properties.NotificationConfiguration;
    expect(configuration.LambdaFunctionConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'roster/inbox/' }] } },
        LambdaFunctionArn: expect.anything(),
      },
    ]);
    expect(describeResource(configuration.LambdaFunctionConfigurations[0].LambdaFunctionArn)).toBe(ids().fn);
  });
});

describe('RosterReconcile function', () => {
  it('runs one reconcile at a time for up to 15 minutes', () => {
    const fn = resource(synthesized.template, ids().fn).Properties;
    expect(fn.ReservedConcurrentExecutions).toBe(1);
    expect(fn.Timeout).toBe(900);
  });

  it('gets the state and audit table names', () => {
    const variables = (
      resource(synthesized.template, ids().fn).Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(describeResource(variables[ENV.stateTableName])).toBe(ids().stateTable);
    expect(describeResource(variables[ENV.auditTableName])).toBe(ids().auditTable);
  });

  it('sends a failed upload event to the failure queue after one retry', () => {
    const configs = Object.values(
      synthesized.template.findResources('AWS::Lambda::EventInvokeConfig'),
    ).filter((config) => describeResource(config.Properties.FunctionName) === ids().fn);
    expect(configs).toHaveLength(1);
    expect(configs[0]?.Properties.MaximumRetryAttempts).toBe(1);
    expect(describeResource(configs[0]?.Properties.DestinationConfig.OnFailure.Destination)).toBe(
      ids().failureQueue,
    );
  });

  it('alarms on a failed reconcile', () => {
    const alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) =>
        alarm.Properties.Dimensions !== undefined &&
        describeResource(alarm.Properties.Dimensions[0]?.Value) === ids().failureQueue,
    );
    expect(alarms).toHaveLength(1);
  });
});

describe('RosterReconcile permissions', () => {
  function statements() {
    return roleStatements(synthesized.template, roleId(synthesized.stack.rosterReconcile.reconcileFunction));
  }

  function actionsOn(target: string): string[] {
    return statements()
      .filter((statement) => asList(statement.Resource).map(describeResource).includes(target))
      .flatMap((statement) => asList(statement.Action))
      .sort();
  }

  it('reads objects only under the inbox', () => {
    expect(actionsOn(`${ids().bucket}/roster/inbox/*`)).toEqual(['s3:GetObject']);
  });

  it('writes objects only under the plans', () => {
    expect(actionsOn(`${ids().bucket}/roster/plans/*`)).toEqual(['s3:PutObject']);
  });

  it('grants no access to the whole bucket', () => {
    expect(actionsOn(ids().bucket)).toEqual([]);
  });

  it('scans the state table and writes the audit table only', () => {
    expect(actionsOn(ids().stateTable)).toEqual(['dynamodb:Scan']);
    expect(actionsOn(ids().auditTable)).toEqual(['dynamodb:PutItem']);
  });

  it('reads the Talent token secret value only', () => {
    expect(actionsOn('secret:talent-sync/talent-token')).toEqual(['secretsmanager:GetSecretValue']);
  });
});
