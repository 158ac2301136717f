import { beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_MAX_RECEIVE_COUNT, VISIBILITY_TIMEOUT_FACTOR } from '../../infra/constructs/roster-sync';
import { MAX_BODY_BYTES } from '../../lib/hris/intake';
import { sqsBatches } from '../../lib/hris/queue';
import type { RosterEvent } from '../../lib/roster/event';
import { rosterEventSchema } from '../../lib/roster/event';
import { BASE_DELAY_MS, MAX_DELAY_MS, MAX_RETRY_AFTER_MS } from '../../lib/talent/retry';
import {
  describeResource,
  exampleConfig,
  logicalId,
  resource,
  type SynthesizedStack,
  synthesize,
} from './support';

// Timeouts, sizes and rates that must fit together across API Gateway, the webhook function, SQS, the
// apply function, the Talent client and the report state machine. Each figure comes from the
// synthesized template or the exported constant, so a change to one side that breaks the fit fails here.

/** SQS's largest message, and the largest SendMessageBatch request: 256 KiB. */
const SQS_MAX_MESSAGE_BYTES = 262_144;
/** API Gateway HTTP APIs reject request bodies over 10 MB. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** API Gateway HTTP APIs stop waiting for an integration after 30 seconds. */
const API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS = 30;
/** Lambda's floor for the maximum concurrency of an SQS event source mapping. */
const LAMBDA_MIN_SQS_CONCURRENCY = 2;
/** The default concurrency limit of an AWS account per Region. */
const ACCOUNT_CONCURRENCY = 1000;
/** Events in one SendMessageBatch call. */
const SQS_BATCH_ENTRIES = 10;

let synthesized: SynthesizedStack;

beforeAll(() => {
  synthesized = synthesize();
});

function functionTimeout(fn: Parameters<typeof logicalId>[0]): number {
  return resource(synthesized.template, logicalId(fn)).Properties.Timeout as number;
}

function queue() {
  return resource(synthesized.template, logicalId(synthesized.stack.rosterSync.queue)).Properties;
}

function mapping() {
  const mappings = Object.values(synthesized.template.findResources('AWS::Lambda::EventSourceMapping'));
  const applyId = logicalId(synthesized.stack.rosterSync.applyFunction);
  const found = mappings.find((entry) => describeResource(entry.Properties.FunctionName) === applyId);
  if (!found) throw new Error('The apply function has no event source mapping.');
  return found.Properties;
}

/** Builds a roster event with every field at its maximum length, the largest message the webhook can queue. */
function largestRosterEvent(): RosterEvent {
  const text = (length: number) => 'é'.repeat(length);
  const event: RosterEvent = {
    eventId: 'e'.repeat(128),
    source: 's'.repeat(60),
    employeeId: 'E'.repeat(80),
    action: 'upsert',
    occurredAt: '2026-01-05T08:00:00.000+02:00',
    receivedAt: '2026-01-05T08:00:00.000Z',
    releasedAt: '2026-01-05T08:00:00.000Z',
    person: {
      email: `${'a'.repeat(64)}@${'d'.repeat(180)}.org`,
      firstName: text(200),
      lastName: text(200),
      displayName: text(400),
      jobTitle: text(200),
      department: text(200),
      school: text(200),
      location: text(200),
      employeeType: text(100),
      status: 'active',
      startDate: '2026-01-05',
      terminationDate: '2026-01-05',
      attributes: Object.fromEntries(
        Array.from({ length: 50 }, (_, index) => [
          `${'k'.repeat(62)}${String(index).padStart(2, '0')}`,
          text(200),
        ]),
      ),
    },
    lookup: { personId: 'p'.repeat(200) },
  };
  return rosterEventSchema.parse(event);
}

describe('roster queue and apply function', () => {
  it('keeps messages invisible for six apply timeouts', () => {
    const applyTimeout = functionTimeout(synthesized.stack.rosterSync.applyFunction);
    expect(queue().VisibilityTimeout).toBeGreaterThanOrEqual(VISIBILITY_TIMEOUT_FACTOR * applyTimeout);
  });

  it('dead-letters after the configured receive count', () => {
    const redrive = queue().RedrivePolicy as { maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(ROSTER_MAX_RECEIVE_COUNT);
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(3);
  });

  it('gives one Talent call with all its retries time to finish', () => {
    const { timeoutMs, maxRetries } = exampleConfig().talent;
    let backoffMs = 0;
    for (let attempt = 1; attempt <= maxRetries; attempt += 1) {
      backoffMs += Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
    }
    const worstCallSeconds = ((maxRetries + 1) * timeoutMs + backoffMs) / 1000;
    expect(functionTimeout(synthesized.stack.rosterSync.applyFunction)).toBeGreaterThan(worstCallSeconds);
  });

  it('outlasts the longest Retry-After the client honours', () => {
    expect(functionTimeout(synthesized.stack.rosterSync.applyFunction)).toBeGreaterThan(
      MAX_RETRY_AFTER_MS / 1000,
    );
  });

  it('bounds concurrent apply functions above the Lambda floor', () => {
    const concurrency = (mapping().ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency;
    expect(concurrency).toBeGreaterThanOrEqual(LAMBDA_MIN_SQS_CONCURRENCY);
  });

  it('limits the Talent request rate to concurrency times the client rate', () => {
    const concurrency = (mapping().ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency;
    const { requestsPerSecond } = exampleConfig().talent;
    // Each warm apply function has its own token bucket, so the fleet's ceiling is the product.
    expect(concurrency * requestsPerSecond).toBe(25);
  });

  it('applies batches of at most ten records', () => {
    expect(mapping().BatchSize).toBeLessThanOrEqual(SQS_BATCH_ENTRIES);
  });
});

describe('webhook limits', () => {
  it('answers before API Gateway gives up', () => {
    expect(functionTimeout(synthesized.stack.rosterSync.webhookFunction)).toBeLessThan(
      API_GATEWAY_INTEGRATION_TIMEOUT_SECONDS,
    );
  });

  it('accepts bodies below both the SQS and API Gateway limits', () => {
    expect(MAX_BODY_BYTES).toBeLessThanOrEqual(SQS_MAX_MESSAGE_BYTES);
    expect(MAX_BODY_BYTES).toBeLessThan(API_GATEWAY_MAX_BODY_BYTES);
  });

  // Ten events at every length limit, in two-byte UTF-8 text, come to about 274 KiB, over the batch
  // limit, so enqueueRosterEvents splits batches by size as well as by count.
  it('splits the largest events into batches within the SendMessageBatch limit', () => {
    const events = Array.from({ length: SQS_BATCH_ENTRIES }, () => largestRosterEvent());
    const batches = sqsBatches(events);

    expect(batches.flat()).toHaveLength(SQS_BATCH_ENTRIES);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      const bytes = batch.reduce((total, entry) => total + Buffer.byteLength(entry.body), 0);
      expect(bytes).toBeLessThanOrEqual(SQS_MAX_MESSAGE_BYTES);
    }
  });

  it('leaves the queue at the SQS maximum message size', () => {
    const size = queue().MaximumMessageSize as number | undefined;
    expect(size ?? SQS_MAX_MESSAGE_BYTES).toBeGreaterThanOrEqual(MAX_BODY_BYTES);
  });

  it('throttles the stage with a burst above the rate', () => {
    const stage = Object.values(synthesized.template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const settings = stage?.Properties.DefaultRouteSettings as {
      ThrottlingRateLimit: number;
      ThrottlingBurstLimit: number;
    };
    expect(settings.ThrottlingBurstLimit).toBeGreaterThanOrEqual(settings.ThrottlingRateLimit);
    // At the throttled rate, webhook functions that each run up to their timeout stay within the account.
    const webhookTimeout = functionTimeout(synthesized.stack.rosterSync.webhookFunction);
    expect(settings.ThrottlingRateLimit * webhookTimeout).toBeLessThan(ACCOUNT_CONCURRENCY);
  });
});

describe('report state machine limits', () => {
  function machineTimeoutSeconds(): number {
    const machine = resource(synthesized.template, logicalId(synthesized.stack.reportDelivery.stateMachine));
    const definition = JSON.parse(describeResource(machine.Properties.DefinitionString)) as {
      TimeoutSeconds?: number;
    };
    if (definition.TimeoutSeconds === undefined) throw new Error('The state machine has no TimeoutSeconds.');
    return definition.TimeoutSeconds;
  }

  it('outlasts the poll timeout plus request and save', () => {
    const { reportDelivery } = synthesized.stack;
    const { timeoutSeconds } = exampleConfig().reports.poll;
    const work =
      functionTimeout(reportDelivery.requestFunction) + functionTimeout(reportDelivery.saveFunction);
    expect(machineTimeoutSeconds()).toBeGreaterThan(timeoutSeconds + work);
  });

  it('polls within the state machine maximum of one year', () => {
    expect(machineTimeoutSeconds()).toBeLessThan(365 * 24 * 3600);
  });
});

describe('least privilege across every policy', () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

  function statements(): { policy: string; statement: Statement }[] {
    const policies = synthesized.template.findResources('AWS::IAM::Policy');
    return Object.entries(policies).flatMap(([policy, body]) =>
      (body.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({ policy, statement })),
    );
  }

  const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

  it('grants no action wildcard', () => {
    const wildcards = statements().flatMap(({ policy, statement }) =>
      list(statement.Action)
        .filter((action) => action === '*' || action.endsWith(':*'))
        .map((action) => `${policy}: ${action}`),
    );
    expect(wildcards).toEqual([]);
  });

  it('allows Resource "*" only for actions without resource-level permissions', () => {
    // X-Ray trace writes and the CloudWatch Logs delivery calls of a state machine accept no resource ARN.
    const allowed =
      /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;
    const broad = statements()
      .filter(({ statement }) => statement.Effect === 'Allow' && list(statement.Resource).includes('*'))
      .flatMap(({ policy, statement }) =>
        list(statement.Action)
          .filter((action) => !allowed.test(action))
          .map((action) => `${policy}: ${action}`),
      );
    expect(broad).toEqual([]);
  });

  it('gives every function its own role', () => {
    const functions = Object.values(synthesized.template.findResources('AWS::Lambda::Function'));
    const roles = functions.map((fn) => describeResource(fn.Properties.Role));
    expect(new Set(roles).size).toBe(functions.length);
  });
});
