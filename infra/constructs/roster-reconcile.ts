import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../../lib/config/schema';
import { ROSTER_INBOX_PREFIX, ROSTER_PLANS_PREFIX } from '../../lib/roster/reconcile/s3';
import { ENV } from '../../lib/runtime/environment';
import type { Alerts } from './alerts';
import { type FunctionFactory, grantSecretValue } from './function-factory';
import { acknowledge, arnWildcardFinding } from './nag';

/** Days an uploaded roster stays in the inbox; the plan beside it names the object it came from. */
export const ROSTER_INBOX_DAYS = 30;
/** Days a written plan is kept. */
export const ROSTER_PLAN_DAYS = 400;

export interface RosterReconcileProps {
  readonly config: Config;
  readonly functions: FunctionFactory;
  readonly alerts: Alerts;
  /** The roster state table; its addresses count as managed when deciding deactivations. */
  readonly stateTable: dynamodb.ITable;
  /** The audit table that records each applied change. */
  readonly auditTable: dynamodb.ITable;
}

/**
 * Full-roster reconcile: a roster uploaded to `roster/inbox/` in the roster bucket starts the
 * reconcile function, which writes the plan to `roster/plans/` and applies it when
 * `roster.reconcile.mode` is `apply` and the deactivation brake allows.
 */
export class RosterReconcile extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly reconcileFunction: NodejsFunction;
  /** Upload events whose reconcile failed after Lambda's retries. */
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RosterReconcileProps) {
    super(scope, id);
    const tokenSecret = secretsmanager.Secret.fromSecretNameV2(
      this,
      'TalentToken',
      props.config.talent.tokenSecretName,
    );

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    this.bucket = new s3.Bucket(this, 'RosterBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'roster-bucket/',
      lifecycleRules: [
        { id: 'expire-inbox', prefix: ROSTER_INBOX_PREFIX, expiration: Duration.days(ROSTER_INBOX_DAYS) },
        { id: 'expire-plans', prefix: ROSTER_PLANS_PREFIX, expiration: Duration.days(ROSTER_PLAN_DAYS) },
        {
          id: 'expire-old-versions',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });

    // Reading the groups of each kept user takes one call per user. At the default 5 requests per
    // second a roster of 2,000 existing users needs about 7 minutes, so the function gets Lambda's
    // maximum time.
    this.reconcileFunction = props.functions.create(this, 'ReconcileFunction', 'roster-reconcile', {
      description: 'Plans, and in apply mode applies, a full roster uploaded to the roster bucket',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: {
        [ENV.stateTableName]: props.stateTable.tableName,
        [ENV.auditTableName]: props.auditTable.tableName,
      },
    });
    // One run at a time: two uploads at once would plan against the same Talent state and apply twice.
    (this.reconcileFunction.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;
    grantSecretValue(this.reconcileFunction, tokenSecret);
    this.grantBucketAccess();
    props.stateTable.grant(this.reconcileFunction, 'dynamodb:Scan');
    props.auditTable.grant(this.reconcileFunction, 'dynamodb:PutItem');

    this.failureQueue = new sqs.Queue(this, 'ReconcileFailureQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // S3 invokes the function asynchronously. One retry covers a Talent outage; a run that still
    // fails sends the event to the failure queue, whose alarm asks the operator to re-run it.
    this.reconcileFunction.configureAsyncInvoke({
      retryAttempts: 1,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failureQueue),
    });
    this.bucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.reconcileFunction),
      { prefix: ROSTER_INBOX_PREFIX },
    );

    props.alerts.addAlarm('ReconcileFailures', {
      metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      description:
        'A roster reconcile failed twice. The message in the reconcile failure queue names the roster ' +
        'object; check the roster-reconcile logs, then re-run it with "talent-sync reconcile".',
    });

    this.acknowledgeFindings();
  }

  /** GetObject on the inbox and PutObject on the plans, nothing else. */
  private grantBucketAccess(): void {
    this.reconcileFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${ROSTER_INBOX_PREFIX}*`)],
      }),
    );
    this.reconcileFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ROSTER_PLANS_PREFIX}*`)],
      }),
    );
  }

  private acknowledgeFindings(): void {
    const role = this.reconcileFunction.role ?? this.reconcileFunction;
    acknowledge(
      role,
      arnWildcardFinding(this.bucket, `/${ROSTER_INBOX_PREFIX}*`),
      'The function reads the roster object that the upload event names, whose key is chosen by the ' +
        'uploader; the wildcard is limited to the inbox prefix.',
    );
    acknowledge(
      role,
      arnWildcardFinding(this.bucket, `/${ROSTER_PLANS_PREFIX}*`),
      'Plan keys are made at run time from the run id; the wildcard is limited to the plans prefix.',
    );
    // The CDK adds one function per stack that sets bucket notifications at deployment; it runs only
    // then, and its role is CDK's.
    const notificationsHandler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler) {
      acknowledge(
        notificationsHandler,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'The CDK creates this deployment-time function for S3 bucket notifications with the basic ' +
          'execution role, which only lets it write its own logs; the CDK offers no option to replace it.',
      );
    }
    for (const ruleId of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      acknowledge(
        this.failureQueue,
        ruleId,
        'This queue is the on-failure destination of the reconcile function; it receives failed events ' +
          'and has no redrive target itself.',
      );
    }
  }
}
