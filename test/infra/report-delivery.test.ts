import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NON_RETRYABLE_ERRORS } from '../../infra/constructs/report-delivery';
import { parseConfig } from '../../lib/config/load';
import { ENV } from '../../lib/runtime/environment';
import {
  asList,
  describeResource,
  exampleConfigInput,
  logicalId,
  resource,
  roleId,
  roleStatements,
  type SynthesizedStack,
  synthesize,
} from './support';

interface State {
  Type: string;
  Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
  Next?: string;
}

let plain: SynthesizedStack;
let kmsOwn: SynthesizedStack;

function configWith(reports: Record<string, unknown>) {
  const input = exampleConfigInput();
  input.reports = { ...(input.reports as Record<string, unknown>), ...reports };
  return parseConfig(input);
}

function states(synthesized: SynthesizedStack): Record<string, State> {
  const machine = resource(synthesized.template, logicalId(synthesized.stack.reportDelivery.stateMachine));
  const text = describeResource(machine.Properties.DefinitionString);
  // The definition's references are replaced by logical ids, which leaves valid JSON.
  return (JSON.parse(text) as { States: Record<string, State> }).States;
}

function bucketEncryption(synthesized: SynthesizedStack) {
  const bucket = resource(synthesized.template, logicalId(synthesized.stack.reportDelivery.bucket));
  const rules = (bucket.Properties.BucketEncryption as { ServerSideEncryptionConfiguration: unknown[] })
    .ServerSideEncryptionConfiguration;
  return rules[0] as {
    ServerSideEncryptionByDefault: { SSEAlgorithm: string; KMSMasterKeyID?: unknown };
    BucketKeyEnabled?: boolean;
  };
}

function kmsActions(synthesized: SynthesizedStack, fnRole: string) {
  return roleStatements(synthesized.template, fnRole)
    .filter((statement) => asList(statement.Action).some((action) => action.startsWith('kms:')))
    .map((statement) => ({
      actions: asList(statement.Action).sort(),
      resources: asList(statement.Resource).map(describeResource),
    }));
}

beforeAll(() => {
  plain = synthesize();
  kmsOwn = synthesize(configWith({ encryption: 'KMS' }));
});

describe('ReportDelivery retries', () => {
  it('never retries an error that a retry cannot fix', () => {
    for (const name of ['RequestReport', 'PollReport', 'SaveReport']) {
      const retry = states(plain)[name]?.Retry ?? [];
      const index = retry.findIndex((entry) => entry.ErrorEquals.includes('ReportInputError'));
      expect(retry[index], name).toEqual({ ErrorEquals: [...NON_RETRYABLE_ERRORS], MaxAttempts: 0 });
    }
  });

  it('puts the no-retry rule before the rule for other function errors', () => {
    for (const name of ['RequestReport', 'PollReport', 'SaveReport']) {
      const errors = (states(plain)[name]?.Retry ?? []).map((entry) => entry.ErrorEquals[0]);
      expect(errors.indexOf('ReportInputError'), name).toBeLessThan(errors.indexOf('States.TaskFailed'));
    }
  });
});

describe('ReportDelivery failure alerts', () => {
  it('describes the failure with the alert function', () => {
    const machine = resource(plain.template, logicalId(plain.stack.reportDelivery.stateMachine));
    const text = describeResource(machine.Properties.DefinitionString);
    const describe = JSON.parse(text).States.DescribeFailure;
    expect(describe.Resource).toBe(logicalId(plain.stack.reportDelivery.alertFunction));
    expect(describe.ResultPath).toBe('$.alert');
  });

  it('gives the alert function no access beyond its logs', () => {
    const statements = roleStatements(plain.template, roleId(plain.stack.reportDelivery.alertFunction));
    const actions = statements.flatMap((statement) => asList(statement.Action));
    expect(actions.every((action) => action.startsWith('logs:') || action.startsWith('xray:'))).toBe(true);
  });
});

describe('ReportDelivery start function', () => {
  it('receives the state machine ARN', () => {
    const fn = resource(plain.template, logicalId(plain.stack.reportDelivery.startFunction));
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(describeResource(variables[ENV.reportStateMachineArn])).toBe(
      logicalId(plain.stack.reportDelivery.stateMachine),
    );
  });

  it('may start executions of the report state machine only', () => {
    const statements = roleStatements(plain.template, roleId(plain.stack.reportDelivery.startFunction));
    const starts = statements.filter((statement) =>
      asList(statement.Action).includes('states:StartExecution'),
    );
    expect(starts.flatMap((statement) => asList(statement.Resource).map(describeResource))).toEqual([
      logicalId(plain.stack.reportDelivery.stateMachine),
    ]);
  });

  it('sends a start that keeps failing to the schedule dead-letter queue', () => {
    const startFunction = logicalId(plain.stack.reportDelivery.startFunction);
    const configs = Object.values(plain.template.findResources('AWS::Lambda::EventInvokeConfig')).filter(
      (candidate) => describeResource(candidate.Properties.FunctionName) === startFunction,
    );
    expect(configs).toHaveLength(1);
    const config = configs[0]?.Properties;
    expect(config?.MaximumRetryAttempts).toBe(2);
    expect(describeResource(config?.DestinationConfig.OnFailure.Destination)).toBe(
      logicalId(plain.stack.reportDelivery.scheduleDeadLetterQueue),
    );
  });
});

describe('ReportDelivery save permissions', () => {
  it('may list the report bucket only', () => {
    const statements = roleStatements(plain.template, roleId(plain.stack.reportDelivery.saveFunction));
    const listing = statements.filter((statement) => asList(statement.Action).includes('s3:ListBucket'));
    expect(listing.flatMap((statement) => asList(statement.Resource).map(describeResource))).toEqual([
      logicalId(plain.stack.reportDelivery.bucket),
    ]);
  });

  it('grants no KMS access with S3-managed encryption', () => {
    expect(kmsActions(plain, roleId(plain.stack.reportDelivery.saveFunction))).toEqual([]);
  });
});

describe('ReportDelivery encryption', () => {
  it('uses SSE-S3 by default', () => {
    expect(bucketEncryption(plain).ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
  });

  it('creates a rotating customer-managed key for KMS', () => {
    const key = resource(kmsOwn.template, logicalId(kmsOwn.stack.reportDelivery.encryptionKey as never));
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('encrypts the bucket with the key and a bucket key', () => {
    const rule = bucketEncryption(kmsOwn);
    expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(describeResource(rule.ServerSideEncryptionByDefault.KMSMasterKeyID)).toBe(
      logicalId(kmsOwn.stack.reportDelivery.encryptionKey as never),
    );
    expect(rule.BucketKeyEnabled).toBe(true);
  });

  it('lets the save function only make and read data keys of that key', () => {
    expect(kmsActions(kmsOwn, roleId(kmsOwn.stack.reportDelivery.saveFunction))).toEqual([
      {
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [logicalId(kmsOwn.stack.reportDelivery.encryptionKey as never)],
      },
    ]);
  });

  it('uses a given key instead of creating one', () => {
    const arn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const given = synthesize(configWith({ encryption: 'KMS', kmsKeyArn: arn }));
    const keys = Object.values(given.template.findResources('AWS::KMS::Key'));
    const reportKeys = keys.filter((key) => String(key.Properties.Description).includes('report objects'));
    expect(reportKeys).toEqual([]);
    expect(kmsActions(given, roleId(given.stack.reportDelivery.saveFunction))[0]?.resources).toEqual([arn]);
  });

  it('leaves no unacknowledged cdk-nag finding with KMS', () => {
    const report = JSON.parse(readFileSync(join(kmsOwn.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  });
});
