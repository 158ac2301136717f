import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Config } from '../../lib/config/schema';
import { pendingVerificationSecretName } from '../../lib/hris/verification';
import { ENV } from '../../lib/runtime/environment';
import type { Alerts } from './alerts';
import { type FunctionFactory, grantSecretValue } from './function-factory';
import { acknowledge } from './nag';

/**
 * The AWS Lambda developer guide recommends a source queue visibility timeout of at least six times the
 * function timeout, which leaves Lambda time to retry a batch while the function is throttled.
 */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Receives before a roster message moves to the dead-letter queue. */
export const ROSTER_MAX_RECEIVE_COUNT = 5;

export interface RosterSyncProps {
  readonly config: Config;
  readonly functions: FunctionFactory;
  readonly alerts: Alerts;
  readonly logRetention: logs.RetentionDays;
  /** Steady-state requests per second the webhook stage accepts. Default: 50. */
  readonly webhookRateLimit?: number;
  /** Requests the webhook stage accepts in a burst above the rate. Default: 100. */
  readonly webhookBurstLimit?: number;
  /**
   * Concurrent apply functions, which bounds the load on the Talent API. Default:
   * `roster.apply.maxConcurrency` of the config (5 unless set; the minimum is 2).
   */
  readonly applyMaxConcurrency?: number;
}

/**
 * The roster sync path: HTTP API `POST /webhooks/{source}` → webhook function → SQS FIFO queue →
 * apply function → Talent, with the last applied change per person in a DynamoDB table.
 */
export class RosterSync extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly stateTable: dynamodb.Table;
  /** Audit trail: each change the sync made to a person and the reason, kept for `roster.auditRetentionDays`. */
  readonly auditTable: dynamodb.Table;
  readonly webhookFunction: NodejsFunction;
  readonly applyFunction: NodejsFunction;
  /** Per Gusto source name: the secret the webhook function writes a new subscription's verification token to. */
  readonly pendingVerificationSecrets: ReadonlyMap<string, secretsmanager.Secret>;

  constructor(scope: Construct, id: string, props: RosterSyncProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const tokenSecret = secretsmanager.Secret.fromSecretNameV2(
      this,
      'TalentToken',
      props.config.talent.tokenSecretName,
    );

    this.stateTable = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // The table is the record of what was applied, and losing it would replay stale events as new.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.auditTable = new dynamodb.Table(this, 'AuditTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // The audit trail must outlive a stack deletion; its TTL removes entries after the retention period.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.applyFunction = props.functions.create(this, 'ApplyFunction', 'roster-apply', {
      description: 'Applies queued roster events to Talent users and groups',
      timeout: Duration.minutes(2),
      memorySize: 512,
      environment: {
        [ENV.stateTableName]: this.stateTable.tableName,
        [ENV.auditTableName]: this.auditTable.tableName,
      },
    });
    grantSecretValue(this.applyFunction, tokenSecret);
    // Thin providers' webhooks carry only ids, so the apply function reads each source's API credential.
    for (const source of props.config.roster.sources) {
      if (!source.apiSecretName) continue;
      const apiSecret = secretsmanager.Secret.fromSecretNameV2(
        this,
        `ApiSecret-${source.name}`,
        source.apiSecretName,
      );
      grantSecretValue(this.applyFunction, apiSecret);
    }
    this.stateTable.grant(
      this.applyFunction,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    );
    // Append only: the apply function writes entries but never reads or changes them.
    this.auditTable.grant(this.applyFunction, 'dynamodb:PutItem');

    this.deadLetterQueue = new sqs.Queue(this, 'RosterDeadLetterQueue', {
      queueName: `${stackName}-roster-dlq.fifo`,
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const applyTimeout = this.applyFunction.timeout ?? Duration.seconds(3);
    this.queue = new sqs.Queue(this, 'RosterQueue', {
      queueName: `${stackName}-roster.fifo`,
      fifo: true,
      // The webhook function sends a deduplication id per HRIS event, so a redelivery of the same
      // event is dropped even when its body differs (a new delivery timestamp, for example).
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(applyTimeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: ROSTER_MAX_RECEIVE_COUNT },
    });

    this.applyFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: props.applyMaxConcurrency ?? props.config.roster.apply.maxConcurrency,
      }),
    );

    this.webhookFunction = props.functions.create(this, 'WebhookFunction', 'roster-webhook', {
      description: 'Verifies and validates HRIS webhooks and queues them as roster events',
      timeout: Duration.seconds(10),
      memorySize: 256,
      environment: { [ENV.rosterQueueUrl]: this.queue.queueUrl },
    });
    this.queue.grant(this.webhookFunction, 'sqs:SendMessage');
    for (const source of props.config.roster.sources) {
      const secret = secretsmanager.Secret.fromSecretNameV2(
        this,
        `SigningSecret-${source.name}`,
        source.signingSecretName,
      );
      grantSecretValue(this.webhookFunction, secret);
    }
    this.pendingVerificationSecrets = this.createPendingVerificationSecrets(props.config);

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new apigwv2.HttpApi(this, 'WebhookApi', {
      description: 'Receives HRIS webhooks for Talent Sync',
      createDefaultStage: false,
    });
    this.stage = new apigwv2.HttpStage(this, 'WebhookStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.webhookRateLimit ?? 50,
        burstLimit: props.webhookBurstLimit ?? 100,
      },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.api.addRoutes({
      path: '/webhooks/{source}',
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('WebhookIntegration', this.webhookFunction),
    });

    props.alerts.addAlarm('RosterDeadLetters', {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      description:
        `A roster event failed ${ROSTER_MAX_RECEIVE_COUNT} times and is in the roster dead-letter queue. ` +
        'Check the roster-apply logs for its event id, fix the cause, then redrive the queue.',
    });

    this.acknowledgeFindings();
  }

  /**
   * Creates each Gusto source's pending-verification secret. Gusto posts a new subscription's
   * verification token unsigned, and the webhook function writes it there for the operator, so the
   * function may put values into these secrets only, and never reads them.
   */
  private createPendingVerificationSecrets(config: Config): Map<string, secretsmanager.Secret> {
    const secrets = new Map<string, secretsmanager.Secret>();
    for (const source of config.roster.sources) {
      if (source.provider !== 'gusto') continue;
      const secret = new secretsmanager.Secret(this, `PendingVerification-${source.name}`, {
        secretName: pendingVerificationSecretName(source),
        description:
          `Gusto verification token for source ${source.name}, written by the webhook function. ` +
          'It holds a random placeholder until Gusto sends a token.',
        // The token is worth keeping only until the operator verifies the subscription with it.
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.webhookFunction.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:PutSecretValue'],
          resources: [secret.secretArn],
        }),
      );
      acknowledge(
        secret,
        'AwsSolutions-SMG4',
        'The webhook function writes this secret whenever Gusto sends a verification token, and a ' +
          'rotation function has nothing to rotate: the value is a token Gusto issues, which the ' +
          'operator copies into the signing secret and never uses for signature checks.',
      );
      secrets.set(source.name, secret);
    }
    return secrets;
  }

  private acknowledgeFindings(): void {
    for (const route of this.api.node.findAll().filter((node) => node instanceof apigwv2.HttpRoute)) {
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        'HRIS providers cannot sign requests with IAM or obtain JWTs; the webhook function authenticates ' +
          'each delivery by its HMAC signature with the per-source signing secret and rejects unsigned ones.',
      );
    }

    const mappings = this.applyFunction.node
      .findAll()
      .filter((node) => node instanceof lambda.CfnEventSourceMapping);
    for (const mapping of mappings) {
      acknowledge(
        mapping,
        'Serverless-LambdaEventSourceMappingDestination',
        'Lambda supports on-failure destinations only for stream and Kafka event sources, not for SQS. ' +
          `The roster queue moves a message to its FIFO dead-letter queue after ${ROSTER_MAX_RECEIVE_COUNT} ` +
          'receives instead, and an alarm watches that queue.',
      );
    }
    acknowledge(
      this.deadLetterQueue,
      'Serverless-SQSRedrivePolicy',
      'This queue is the dead-letter queue of the roster queue; a dead-letter queue has no redrive target itself.',
    );
  }
}

/** One JSON object per request, without headers or bodies, so signatures and payloads stay out of logs. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
};
