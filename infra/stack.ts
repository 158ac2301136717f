import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Config } from '../lib/config/schema';
import { Alerts } from './constructs/alerts';
import { Dashboard, dashboardProps } from './constructs/dashboard';
import { FunctionFactory } from './constructs/function-factory';
import { ReportDelivery } from './constructs/report-delivery';
import { RosterReconcile } from './constructs/roster-reconcile';
import { RosterRelease } from './constructs/roster-release';
import { ROSTER_MAX_RECEIVE_COUNT, RosterSync } from './constructs/roster-sync';

export interface TalentSyncStackProps extends StackProps {
  /** The validated deployment config. */
  readonly config: Config;
  /** The repository root, which contains `functions/` and `package-lock.json`. */
  readonly projectRoot: string;
  /** How long function, API and state machine logs are kept. Default: three months. */
  readonly logRetention?: logs.RetentionDays;
}

/** The Talent Sync deployment: roster sync, report delivery and the alerts they share. */
export class TalentSyncStack extends Stack {
  readonly alerts: Alerts;
  readonly rosterSync: RosterSync;
  readonly rosterRelease: RosterRelease;
  readonly rosterReconcile: RosterReconcile;
  readonly reportDelivery: ReportDelivery;

  constructor(scope: Construct, id: string, props: TalentSyncStackProps) {
    super(scope, id, props);
    const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const functions = new FunctionFactory({
      config: props.config,
      projectRoot: props.projectRoot,
      logRetention,
    });

    this.alerts = new Alerts(this, 'Alerts', { email: props.config.alerts.email });
    this.rosterSync = new RosterSync(this, 'RosterSync', {
      config: props.config,
      functions,
      alerts: this.alerts,
      logRetention,
    });
    this.rosterRelease = new RosterRelease(this, 'RosterRelease', {
      functions,
      rosterSync: this.rosterSync,
      alerts: this.alerts,
    });
    this.rosterReconcile = new RosterReconcile(this, 'RosterReconcile', {
      config: props.config,
      functions,
      alerts: this.alerts,
      stateTable: this.rosterSync.stateTable,
      auditTable: this.rosterSync.auditTable,
    });
    this.reportDelivery = new ReportDelivery(this, 'ReportDelivery', {
      config: props.config,
      functions,
      alerts: this.alerts,
      logRetention,
    });
    new Dashboard(this, 'Dashboard', dashboardProps(this.alerts, this.rosterSync, this.reportDelivery));

    this.addOutputs();
  }

  private addOutputs(): void {
    const outputs: Record<string, { value: string; description: string }> = {
      WebhookBaseUrl: {
        value: `${this.rosterSync.stage.url}webhooks`,
        description: 'An HRIS source sends its webhooks to <this URL>/<source name>',
      },
      RosterQueueUrl: {
        value: this.rosterSync.queue.queueUrl,
        description: 'SQS FIFO queue of roster events',
      },
      RosterDeadLetterQueueUrl: {
        value: this.rosterSync.deadLetterQueue.queueUrl,
        description: `Roster events that failed ${ROSTER_MAX_RECEIVE_COUNT} times`,
      },
      StateTableName: {
        value: this.rosterSync.stateTable.tableName,
        description: 'DynamoDB table with the last applied change per person',
      },
      RosterBucketName: {
        value: this.rosterReconcile.bucket.bucketName,
        description: 'S3 bucket for full rosters: upload to roster/inbox/, plans appear in roster/plans/',
      },
      AuditTableName: {
        value: this.rosterSync.auditTable.tableName,
        description: 'DynamoDB table with the roster audit trail, per person',
      },
      ReportBucketName: {
        value: this.reportDelivery.bucket.bucketName,
        description: 'S3 bucket that receives report CSVs and manifests',
      },
      StateMachineArn: {
        value: this.reportDelivery.stateMachine.stateMachineArn,
        description:
          'Report state machine; start it with {"schedule": "<name>", "scheduledTime": "<ISO time>"}',
      },
      ScheduleDeadLetterQueueUrl: {
        value: this.reportDelivery.scheduleDeadLetterQueue.queueUrl,
        description: 'Schedule deliveries that EventBridge Scheduler could not start',
      },
      AlertTopicArn: { value: this.alerts.topic.topicArn, description: 'SNS topic of the alarms' },
    };
    for (const [id, output] of Object.entries(outputs)) {
      new CfnOutput(this, id, output);
    }
  }
}
