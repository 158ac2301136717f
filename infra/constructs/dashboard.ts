import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMES, REJECT_REASON_DIMENSION } from '../../lib/runtime/metrics';
import type { Alerts } from './alerts';
import { METRICS_NAMESPACE } from './function-factory';
import type { ReportDelivery } from './report-delivery';
import type { RosterSync } from './roster-sync';

export interface DashboardProps {
  readonly alerts: Alerts;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly webhookFunction: lambda.IFunction;
  readonly applyFunction: lambda.IFunction;
  readonly stateMachine: sfn.IStateMachine;
  /** Seconds the oldest roster event may wait before the queue-age alarm fires. Default 900. */
  readonly maxQueueAgeSeconds?: number;
  /** Failed Talent calls in five minutes at which the Talent-errors alarm fires. Default 10. */
  readonly talentErrorThreshold?: number;
}

/** Collects the dashboard props from the stack's roster sync and report delivery, with the default thresholds. */
export function dashboardProps(
  alerts: Alerts,
  rosterSync: RosterSync,
  reportDelivery: ReportDelivery,
): DashboardProps {
  return {
    alerts,
    queue: rosterSync.queue,
    deadLetterQueue: rosterSync.deadLetterQueue,
    webhookFunction: rosterSync.webhookFunction,
    applyFunction: rosterSync.applyFunction,
    stateMachine: reportDelivery.stateMachine,
  };
}

const PERIOD = Duration.minutes(5);
const WIDTH = 12;

/**
 * The operations dashboard, named `<stack name>-operations`: webhooks accepted and rejected by reason,
 * the roster queue and its dead-letter queue, Talent call latency and errors from the apply function,
 * and report runs with their durations. It also adds the alarms for the queue age and for Talent errors,
 * which notify the alert topic like the others.
 */
export class Dashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly queueAgeAlarm: cloudwatch.Alarm;
  readonly talentErrorsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const queueAge = props.queue.metricApproximateAgeOfOldestMessage({
      period: PERIOD,
      statistic: 'Maximum',
    });
    const talentErrors = powertoolsMetric(METRIC_NAMES.talentErrors, 'roster-apply', 'Sum');

    this.queueAgeAlarm = this.addAlarm('RosterQueueAge', {
      metric: queueAge,
      threshold: props.maxQueueAgeSeconds ?? 900,
      // Three periods, so one slow batch or a short Talent outage that retries clear does not page anyone.
      evaluationPeriods: 3,
      description:
        'The oldest roster event has waited longer than the threshold: the apply function is failing or ' +
        'throttled. Run "talent-sync status" and "talent-sync doctor", and see the roster-apply logs.',
      alerts: props.alerts,
    });
    this.talentErrorsAlarm = this.addAlarm('TalentCallErrors', {
      metric: talentErrors,
      threshold: props.talentErrorThreshold ?? 10,
      evaluationPeriods: 1,
      description:
        'Talent calls from the apply function are failing after their retries. Run "talent-sync doctor" ' +
        'to see which endpoint fails and with which status.',
      alerts: props.alerts,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Webhooks accepted',
        width: WIDTH,
        left: [search(METRIC_NAMES.webhookAccepted, 'Outcome', 'roster-webhook')],
      }),
      new cloudwatch.GraphWidget({
        title: 'Webhooks rejected by reason',
        width: WIDTH,
        left: [search(METRIC_NAMES.webhookRejected, REJECT_REASON_DIMENSION, 'roster-webhook')],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Roster queue: age of oldest event (seconds)',
        width: WIDTH,
        left: [queueAge],
        leftAnnotations: [this.queueAgeAlarm.toAnnotation()],
      }),
      new cloudwatch.GraphWidget({
        title: 'Roster queue and dead-letter queue depth',
        width: WIDTH,
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: 'queue' }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: 'dead-letter queue',
          }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Talent call latency (ms)',
        width: WIDTH,
        left: ['p50', 'p90', 'Maximum'].map((statistic) =>
          powertoolsMetric(METRIC_NAMES.talentLatency, 'roster-apply', statistic),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Talent call errors and apply function errors',
        width: WIDTH,
        left: [talentErrors],
        right: [props.applyFunction.metricErrors({ period: PERIOD, label: 'roster-apply errors' })],
        leftAnnotations: [this.talentErrorsAlarm.toAnnotation()],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Report runs',
        width: WIDTH,
        left: [
          props.stateMachine.metricSucceeded({ period: PERIOD, statistic: 'Sum', label: 'succeeded' }),
          props.stateMachine.metricFailed({ period: PERIOD, statistic: 'Sum', label: 'failed' }),
          props.stateMachine.metricTimedOut({ period: PERIOD, statistic: 'Sum', label: 'timed out' }),
        ],
      }),
      new cloudwatch.GraphWidget({
        title: 'Report run duration (ms)',
        width: WIDTH,
        left: [
          props.stateMachine.metricTime({ period: PERIOD, statistic: 'Average', label: 'average' }),
          props.stateMachine.metricTime({ period: PERIOD, statistic: 'Maximum', label: 'maximum' }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        width: WIDTH * 2,
        left: [
          props.webhookFunction.metricErrors({ period: PERIOD, label: 'roster-webhook' }),
          props.applyFunction.metricErrors({ period: PERIOD, label: 'roster-apply' }),
        ],
      }),
    );
  }

  private addAlarm(
    id: string,
    options: {
      metric: cloudwatch.IMetric;
      threshold: number;
      evaluationPeriods: number;
      description: string;
      alerts: Alerts;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods,
      alarmDescription: options.description,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(options.alerts.topic));
    return alarm;
  }
}

/** A metric that Powertools writes; its `service` dimension is the function name. */
function powertoolsMetric(metricName: string, service: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic,
    period: PERIOD,
    // A label would turn an alarm on this metric into a metric-math alarm, so sums keep the metric name.
    ...(statistic === 'Sum' ? {} : { label: `${metricName} ${statistic}` }),
  });
}

/** Builds a CloudWatch SEARCH with one line per value of `dimension`, so new reasons appear by themselves. */
function search(metricName: string, dimension: string, service: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${dimension},service} MetricName="${metricName}" service="${service}"', 'Sum', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period: PERIOD,
  });
}
