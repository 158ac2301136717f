import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke as SchedulerLambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { Config, ScheduleConfig } from '../../lib/config/schema';
import { ENV } from '../../lib/runtime/environment';
import type { Alerts } from './alerts';
import { type FunctionFactory, grantSecretValue } from './function-factory';
import { acknowledge, arnWildcardFinding } from './nag';

/**
 * State names of the report state machine. The local stack binds its task states to the handlers by
 * these names, so renaming one breaks local runs.
 */
export const REPORT_STATES = {
  request: 'RequestReport',
  wait: 'WaitForReport',
  poll: 'PollReport',
  choice: 'IsReportReady',
  save: 'SaveReport',
  saved: 'ReportSaved',
  /** Skips the waits for a live run, which RequestReport returns complete. */
  requested: 'IsReportRequested',
  /** Turns the failed state into the alert's subject and text. */
  describe: 'DescribeFailure',
  notify: 'NotifyFailure',
  failed: 'ReportFailed',
} as const;

/** Lambda service errors, which a retry after a short pause usually gets past. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

export interface ReportDeliveryProps {
  readonly config: Config;
  readonly functions: FunctionFactory;
  readonly alerts: Alerts;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Errors that a retry cannot fix: a bad execution input or schedule, or a schedule the config lacks.
 * The task Retry rules leave them out, so such a run fails at once and alerts.
 */
export const NON_RETRYABLE_ERRORS = ['ReportInputError', 'UnknownScheduleError'] as const;

/**
 * Report delivery. One EventBridge Scheduler schedule per enabled report schedule invokes the
 * report-start function, which starts a Step Functions execution under a name per schedule and period.
 * The execution requests the report, polls it with growing waits, and saves the CSV and its manifest to
 * S3, or describes the failure and notifies the alert topic.
 */
export class ReportDelivery extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly requestFunction: NodejsFunction;
  readonly pollFunction: NodejsFunction;
  readonly saveFunction: NodejsFunction;
  readonly startFunction: NodejsFunction;
  readonly alertFunction: NodejsFunction;
  /** The customer-managed key of the report bucket with `reports.encryption: KMS`. */
  readonly encryptionKey: kms.IKey | undefined;
  readonly stateMachine: sfn.StateMachine;
  readonly scheduleDeadLetterQueue: sqs.Queue;
  readonly schedules: scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: ReportDeliveryProps) {
    super(scope, id);
    const { config } = props;
    const tokenSecret = secretsmanager.Secret.fromSecretNameV2(
      this,
      'TalentToken',
      config.talent.tokenSecretName,
    );

    this.accessLogsBucket = this.createAccessLogsBucket();
    this.encryptionKey = this.createEncryptionKey(config.reports);
    this.bucket = this.createReportBucket(config.reports, this.encryptionKey);

    this.requestFunction = props.functions.create(this, 'RequestFunction', 'report-request', {
      description: 'Asks Talent for the insight report of a schedule',
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    this.pollFunction = props.functions.create(this, 'PollFunction', 'report-poll', {
      description: 'Checks whether a requested Talent report is ready and sets the next wait',
      timeout: Duration.seconds(30),
      memorySize: 256,
    });
    // Reports stream from Talent to S3 by multipart upload, so memory stays flat whatever the report
    // size. The 15-minute time limit is what bounds a very large report.
    this.saveFunction = props.functions.create(this, 'SaveFunction', 'report-save', {
      description: 'Streams a finished Talent report to S3 and writes its manifest',
      timeout: Duration.minutes(15),
      memorySize: 512,
      environment: { [ENV.reportBucket]: this.bucket.bucketName },
    });
    this.alertFunction = props.functions.create(this, 'AlertFunction', 'report-alert', {
      description: 'Describes a failed Talent report run for the alert topic',
      timeout: Duration.seconds(10),
      memorySize: 128,
    });
    for (const fn of [this.requestFunction, this.pollFunction, this.saveFunction]) {
      grantSecretValue(fn, tokenSecret);
    }
    // GetObject covers the copy onto itself that adds the SHA-256 metadata after the upload, reading an
    // earlier attempt's manifest and the latest pointer; DeleteObject removes a partial object when a
    // save fails.
    this.saveFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects(`${config.reports.prefix}/*`)],
      }),
    );
    // Without ListBucket, S3 returns 403 instead of 404 for a read of a missing key, and the save could
    // not tell "no manifest yet" from "denied". An s3:prefix condition would not help: a GetObject or
    // HeadObject request has no s3:prefix key, so S3 would still return 403. The bucket holds report
    // objects only, so listing it reveals nothing else.
    this.saveFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    // SSE-KMS writes need a data key, and the multipart upload and the copy read encrypted parts back.
    this.encryptionKey?.grant(this.saveFunction, 'kms:GenerateDataKey', 'kms:Decrypt');

    this.stateMachine = this.createStateMachine(props);

    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.startFunction = props.functions.create(this, 'StartFunction', 'report-start', {
      description: 'Starts a report execution under a name per schedule and period',
      timeout: Duration.seconds(30),
      memorySize: 256,
      environment: { [ENV.reportStateMachineArn]: this.stateMachine.stateMachineArn },
    });
    this.stateMachine.grantStartExecution(this.startFunction);
    // Scheduler invokes the function asynchronously; Lambda retries a failed start twice, then sends the
    // event to the schedules' dead-letter queue, whose alarm covers both ways a start can fail.
    this.startFunction.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(2),
      onFailure: new SqsDestination(this.scheduleDeadLetterQueue),
    });
    this.schedules = this.createSchedules(config.reports.schedules);

    props.alerts.addAlarm('ReportExecutionsFailed', {
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: 'Sum' }),
      description:
        'A report execution failed. Open the failed execution in the Step Functions console; ' +
        'the NotifyFailure message names the schedule and the reason.',
    });
    props.alerts.addAlarm('ReportExecutionsTimedOut', {
      metric: this.stateMachine.metricTimedOut({ period: Duration.minutes(5), statistic: 'Sum' }),
      description: 'A report execution ran past the state machine timeout and was stopped.',
    });
    props.alerts.addAlarm('ScheduleDeadLetters', {
      metric: this.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      description:
        'EventBridge Scheduler could not start a report execution. The message in the schedule ' +
        'dead-letter queue names the schedule and the error.',
    });

    this.acknowledgeFindings(config.reports.prefix);
  }

  private createAccessLogsBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    });
    return bucket;
  }

  /** The key for `encryption: KMS`: the one `kmsKeyArn` names, or a new one with yearly rotation. */
  private createEncryptionKey(reports: Config['reports']): kms.IKey | undefined {
    if (reports.encryption !== 'KMS') return undefined;
    if (reports.kmsKeyArn) return kms.Key.fromKeyArn(this, 'ReportKey', reports.kmsKeyArn);
    return new kms.Key(this, 'ReportKey', {
      description: 'Encrypts Talent Sync report objects',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private createReportBucket(reports: Config['reports'], key: kms.IKey | undefined): s3.Bucket {
    const lifecycleRules: s3.LifecycleRule[] = [
      {
        id: 'abort-incomplete-uploads',
        abortIncompleteMultipartUploadAfter: Duration.days(1),
        // Report keys are unique per run, so a noncurrent version exists only after a deletion or an
        // expiration. Keeping it a month allows recovery without keeping the data forever.
        noncurrentVersionExpiration: Duration.days(30),
      },
    ];
    if (reports.retentionDays !== undefined) {
      lifecycleRules.push({
        id: 'expire-reports',
        prefix: `${reports.prefix}/`,
        expiration: Duration.days(reports.retentionDays),
      });
    }

    return new s3.Bucket(this, 'ReportBucket', {
      ...(key
        ? { encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true }
        : { encryption: s3.BucketEncryption.S3_MANAGED }),
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'report-bucket/',
      lifecycleRules,
    });
  }

  private createStateMachine(props: ReportDeliveryProps): sfn.StateMachine {
    const failed = new sfn.Fail(this, REPORT_STATES.failed, { error: 'ReportFailed' });
    const notifyFailure = new tasks.SnsPublish(this, REPORT_STATES.notify, {
      topic: props.alerts.topic,
      subject: sfn.JsonPath.stringAt('$.alert.subject'),
      message: sfn.TaskInput.fromJsonPathAt('$.alert.message'),
      resultPath: sfn.JsonPath.DISCARD,
    });
    notifyFailure.next(failed);
    // DescribeFailure reads whatever state reached the failure path (a run with failureReason, or any
    // state with the caught error) and never throws, so the alert always has a subject and a message.
    const describeFailure = new tasks.LambdaInvoke(this, REPORT_STATES.describe, {
      lambdaFunction: this.alertFunction,
      payloadResponseOnly: true,
      resultPath: '$.alert',
    });
    describeFailure.addRetry({
      errors: [...LAMBDA_SERVICE_ERRORS],
      interval: Duration.seconds(2),
      maxAttempts: 4,
    });
    describeFailure.next(notifyFailure);

    const request = this.invoke(REPORT_STATES.request, this.requestFunction, describeFailure);
    const poll = this.invoke(REPORT_STATES.poll, this.pollFunction, describeFailure);
    const save = this.invoke(REPORT_STATES.save, this.saveFunction, describeFailure);
    const wait = new sfn.Wait(this, REPORT_STATES.wait, {
      time: sfn.WaitTime.secondsPath('$.waitSeconds'),
    });

    const isReady = new sfn.Choice(this, REPORT_STATES.choice)
      .when(sfn.Condition.stringEquals('$.status', 'complete'), save)
      .when(sfn.Condition.stringEquals('$.status', 'pending'), wait)
      .otherwise(describeFailure);
    // A live run comes back from RequestReport complete and goes straight to SaveReport.
    const isRequested = new sfn.Choice(this, REPORT_STATES.requested)
      .when(sfn.Condition.stringEquals('$.status', 'complete'), save)
      .otherwise(wait);
    const definition = request.next(isRequested);
    wait.next(poll).next(isReady);
    save.next(new sfn.Succeed(this, REPORT_STATES.saved));

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention,
    });
    // The poll function fails the report once the configured poll timeout has passed. This timeout is
    // a backstop two hours above it, which leaves room for the request, the save and their retries.
    const timeout = Duration.seconds(props.config.reports.poll.timeoutSeconds + 2 * 60 * 60);

    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Requests a Talent insight report, polls until it is ready, and saves it to S3',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    props.alerts.key.grant(stateMachine, 'kms:Decrypt', 'kms:GenerateDataKey*');
    return stateMachine;
  }

  /**
   * A LambdaInvoke task whose output is the function's return value, retried on Lambda service errors
   * and function errors, and caught into the failure notification with the error at `$.error`.
   */
  private invoke(name: string, fn: NodejsFunction, onFailure: sfn.IChainable): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, name, {
      lambdaFunction: fn,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    task.addRetry({
      errors: [...LAMBDA_SERVICE_ERRORS],
      interval: Duration.seconds(2),
      maxAttempts: 6,
      backoffRate: 2,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // Retriers are tried in order and the first match decides: errors that a retry cannot fix get
    // none, and reach the failure path at once.
    task.addRetry({ errors: [...NON_RETRYABLE_ERRORS], maxAttempts: 0 });
    // Any other function error (Talent unreachable or answering 429 or 5xx after the client's own
    // retries, for example) gets a few slower attempts before the report counts as failed.
    task.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(10),
      maxAttempts: 3,
      backoffRate: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    task.addCatch(onFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    return task;
  }

  private createSchedules(schedules: readonly ScheduleConfig[]): scheduler.Schedule[] {
    const enabled = schedules.filter((schedule) => schedule.enabled);
    if (enabled.length === 0) return [];

    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.stateMachine.env.account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the Talent Sync report-start function',
    });
    acknowledge(
      role,
      arnWildcardFinding(this.startFunction, ':*'),
      'The ":*" suffix covers the versions and aliases of the report-start function only, as the ' +
        'Scheduler Lambda target grants it.',
    );

    return enabled.map(
      (schedule) =>
        new scheduler.Schedule(this, `Schedule-${schedule.name}`, {
          description: `Talent Sync report ${schedule.name} (${schedule.report})`,
          schedule: scheduler.ScheduleExpression.expression(schedule.cron, TimeZone.of(schedule.timeZone)),
          timeWindow: scheduler.TimeWindow.off(),
          target: new SchedulerLambdaInvoke(this.startFunction, {
            role,
            input: scheduler.ScheduleTargetInput.fromObject({
              schedule: schedule.name,
              scheduledTime: scheduler.ContextAttribute.scheduledTime,
            }),
            deadLetterQueue: this.scheduleDeadLetterQueue,
            retryAttempts: 10,
            maxEventAge: Duration.hours(2),
          }),
        }),
    );
  }

  private acknowledgeFindings(prefix: string): void {
    acknowledge(
      this.saveFunction.role ?? this.saveFunction,
      arnWildcardFinding(this.bucket, `/${prefix}/*`),
      'The save function writes report and manifest objects whose keys are made at run time from the ' +
        'schedule, date and request id; the wildcard is limited to the configured report prefix.',
    );

    acknowledge(
      this.stateMachine,
      'AwsSolutions-SF1',
      'Executions log at ERROR level without execution data, so report metadata and run-as e-mail ' +
        'addresses stay out of CloudWatch Logs. The execution history and X-Ray traces show every state.',
    );
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments and others) and log delivery (logs:CreateLogDelivery and ' +
        'others) support no resource-level permissions, so AWS requires Resource "*" for them.',
    );
    for (const fn of [this.requestFunction, this.pollFunction, this.saveFunction, this.alertFunction]) {
      acknowledge(
        this.stateMachine,
        arnWildcardFinding(fn, ':*'),
        `The ":*" suffix covers the versions and aliases of the ${fn.node.id} function only, as the ` +
          'LambdaInvoke task grants it.',
      );
    }
    acknowledge(
      this.stateMachine,
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Publishing to the encrypted alert topic needs kms:GenerateDataKey* and kms:Decrypt on its key, as ' +
        'the Amazon SNS documentation lists for publishers; the grant is limited to that one key.',
    );

    for (const ruleId of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      acknowledge(
        this.scheduleDeadLetterQueue,
        ruleId,
        'This queue is the dead-letter queue of the EventBridge Scheduler targets; a dead-letter queue ' +
          'has no redrive target itself.',
      );
    }
  }
}
