import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsProps {
  /** An e-mail address to subscribe to the topic. AWS first sends a confirmation e-mail to it. */
  readonly email?: string;
}

export interface AlarmProps {
  readonly metric: cloudwatch.IMetric;
  /** The meaning of the alarm and where to look next, shown in the notification. */
  readonly description: string;
}

/**
 * The alert topic and the alarms that publish to it. The topic is encrypted with a customer managed
 * key: CloudWatch alarms cannot publish to a topic encrypted with the AWS managed `alias/aws/sns` key,
 * whose key policy cannot grant CloudWatch access, and their notifications would be dropped silently.
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the Talent Sync alert topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // Alarms publish as the CloudWatch service, which needs the key. The conditions keep the alarms of
    // other accounts from using it.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm:*' }) },
        },
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Talent Sync alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm:*' }) },
        },
      }),
    );

    if (props.email) {
      const subscription = this.topic.addSubscription(new EmailSubscription(props.email));
      Validations.of(subscription).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          'A dead-letter queue would only hold undeliverable alert e-mails with no consumer to replay them; ' +
          'the alarms stay in ALARM state in CloudWatch, where operators see them without the e-mail.',
      });
    }
  }

  /** Creates an alarm that notifies the topic when the metric reaches 1 in a five-minute period. */
  addAlarm(id: string, props: AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: props.metric,
      alarmDescription: props.description,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }

  /** Allows the grantee to publish to the encrypted topic. */
  grantPublish(grantee: iam.IGrantable): void {
    this.topic.grantPublish(grantee);
  }
}
