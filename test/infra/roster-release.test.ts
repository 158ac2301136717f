import { beforeAll, describe, expect, it } from 'vitest';
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
  const { rosterSync, rosterRelease } = synthesized.stack;
  return {
    stateTable: logicalId(rosterSync.stateTable),
    auditTable: logicalId(rosterSync.auditTable),
    queue: logicalId(rosterSync.queue),
    releaseFunction: logicalId(rosterRelease.releaseFunction),
  };
}

/** Returns the sorted actions a role may take on the resources that `matches` selects. */
function actionsOn(role: string, matches: (target: string) => boolean): string[] {
  return roleStatements(synthesized.template, role)
    .filter((statement) => asList(statement.Resource).some((target) => matches(describeResource(target))))
    .flatMap((statement) => asList(statement.Action))
    .sort();
}

describe('roster audit table', () => {
  it('keys entries by person and time', () => {
    const table = resource(synthesized.template, ids().auditTable).Properties;
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('expires entries through the expiresAt attribute', () => {
    const table = resource(synthesized.template, ids().auditTable).Properties;
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  });

  it('has point-in-time recovery and AWS-managed encryption', () => {
    const table = resource(synthesized.template, ids().auditTable).Properties;
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('is retained when the stack is deleted', () => {
    expect(resource(synthesized.template, ids().auditTable).DeletionPolicy).toBe('Retain');
  });

  it('lets the apply function only put entries', () => {
    const role = roleId(synthesized.stack.rosterSync.applyFunction);
    expect(actionsOn(role, (target) => target === ids().auditTable)).toEqual(['dynamodb:PutItem']);
  });

  it('names the table in the apply function environment', () => {
    const fn = resource(synthesized.template, logicalId(synthesized.stack.rosterSync.applyFunction));
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(describeResource(variables[ENV.auditTableName])).toBe(ids().auditTable);
  });
});

describe('roster release', () => {
  function schedule() {
    const schedules = synthesized.template.findResources('AWS::Scheduler::Schedule');
    const found = Object.entries(schedules).find(([id]) => id.startsWith('RosterRelease'));
    if (!found) throw new Error('The release schedule is not in the template.');
    return found[1].Properties;
  }

  it('runs every hour', () => {
    expect(schedule().ScheduleExpression).toBe('rate(1 hour)');
  });

  it('invokes the release function', () => {
    expect(describeResource(schedule().Target.Arn)).toBe(ids().releaseFunction);
  });

  it('lets its scheduler role invoke only the release function', () => {
    const role = describeResource(schedule().Target.RoleArn);
    const actions = roleStatements(synthesized.template, role).flatMap((statement) =>
      asList(statement.Action),
    );
    expect([...new Set(actions)]).toEqual(['lambda:InvokeFunction']);
    const targets = roleStatements(synthesized.template, role).flatMap((statement) =>
      asList(statement.Resource).map(describeResource),
    );
    expect(targets.sort()).toEqual([ids().releaseFunction, `${ids().releaseFunction}:*`]);
  });

  it('lets the function scan the state table and delete items', () => {
    const role = roleId(synthesized.stack.rosterRelease.releaseFunction);
    expect(actionsOn(role, (target) => target === ids().stateTable)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ]);
  });

  it('lets the function only put audit entries', () => {
    const role = roleId(synthesized.stack.rosterRelease.releaseFunction);
    expect(actionsOn(role, (target) => target === ids().auditTable)).toEqual(['dynamodb:PutItem']);
  });

  it('lets the function only send to the roster queue', () => {
    const role = roleId(synthesized.stack.rosterRelease.releaseFunction);
    expect(actionsOn(role, (target) => target === ids().queue)).toEqual(['sqs:SendMessage']);
  });

  it('names the tables and the queue in the function environment', () => {
    const fn = resource(synthesized.template, ids().releaseFunction);
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(describeResource(variables[ENV.stateTableName])).toBe(ids().stateTable);
    expect(describeResource(variables[ENV.auditTableName])).toBe(ids().auditTable);
    expect(describeResource(variables[ENV.rosterQueueUrl])).toBe(ids().queue);
  });

  it('alarms on function errors', () => {
    const alarms = Object.values(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
    const errors = alarms.filter((alarm) => alarm.Properties.MetricName === 'Errors');
    expect(errors.map((alarm) => describeResource(alarm.Properties.Dimensions[0].Value))).toEqual([
      ids().releaseFunction,
    ]);
  });
});
