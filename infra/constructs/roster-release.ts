import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { ENV } from '../../lib/runtime/environment';
import type { Alerts } from './alerts';
import type { FunctionFactory } from './function-factory';
import { acknowledge, arnWildcardFinding } from './nag';
import type { RosterSync } from './roster-sync';

export interface RosterReleaseProps {
  readonly functions: FunctionFactory;
  readonly rosterSync: RosterSync;
  readonly alerts: Alerts;
}

/**
 * Releases held future hires: an hourly EventBridge Scheduler schedule runs the roster-release
 * function, which sends each parked event whose start date has begun back to the roster queue.
 */
export class RosterRelease extends Construct {
  readonly releaseFunction: NodejsFunction;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: RosterReleaseProps) {
    super(scope, id);
    const { stateTable, auditTable, queue } = props.rosterSync;

    this.releaseFunction = props.functions.create(this, 'ReleaseFunction', 'roster-release', {
      description: 'Sends parked roster events whose start date has begun back to the roster queue',
      timeout: Duration.minutes(5),
      memorySize: 256,
      environment: {
        [ENV.stateTableName]: stateTable.tableName,
        [ENV.auditTableName]: auditTable.tableName,
        [ENV.rosterQueueUrl]: queue.queueUrl,
      },
    });
    // Scan finds the due parked items; DeleteItem removes each one once it is back on the queue.
    stateTable.grant(this.releaseFunction, 'dynamodb:Scan', 'dynamodb:DeleteItem');
    auditTable.grant(this.releaseFunction, 'dynamodb:PutItem');
    queue.grant(this.releaseFunction, 'sqs:SendMessage');

    // A role of its own, so the Lambda target does not add this function to a role shared stack-wide.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the Talent Sync roster-release function',
    });

    // Hourly, so a hire is created within an hour of midnight on the start date in roster.timeZone.
    // A missed run needs no retry or dead-letter queue: the next run releases everything still due.
    this.schedule = new scheduler.Schedule(this, 'HourlySchedule', {
      description: 'Talent Sync: release parked future hires whose start date has begun',
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      timeWindow: scheduler.TimeWindow.off(),
      target: new LambdaInvoke(this.releaseFunction, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({}),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
      }),
    });

    acknowledge(
      schedulerRole,
      arnWildcardFinding(this.releaseFunction, ':*'),
      'The ":*" suffix covers the versions and aliases of the roster-release function only, as the ' +
        'EventBridge Scheduler Lambda target grants it to its role.',
    );

    props.alerts.addAlarm('RosterReleaseErrors', {
      metric: this.releaseFunction.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      description:
        'The roster-release function failed: parked future hires were not sent back to the roster queue. ' +
        'They stay parked and the next hourly run tries again; check the roster-release logs for the cause.',
    });
  }
}
