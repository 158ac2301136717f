import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../lib/runtime/metrics';
import { logicalId, type SynthesizedStack, synthesize } from './support';

let synthesized: SynthesizedStack;
let template: Template;

beforeAll(() => {
  synthesized = synthesize();
  template = synthesized.template;
});

function dashboardBody(): string {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  // DashboardBody is an Fn::Join of strings and references; the strings carry the widgets.
  return JSON.stringify(
    (dashboards[0] as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody,
  );
}

function alarmFor(metricName: string) {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
    Properties: Record<string, unknown>;
  }[];
  return alarms.find((alarm) => alarm.Properties.MetricName === metricName);
}

describe('Dashboard', () => {
  it('is named after the stack', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'TalentSync-operations' });
  });

  it.each([
    METRIC_NAMES.webhookAccepted,
    METRIC_NAMES.webhookRejected,
    METRIC_NAMES.talentLatency,
    METRIC_NAMES.talentErrors,
    'ApproximateAgeOfOldestMessage',
    'ApproximateNumberOfMessagesVisible',
    'ExecutionsSucceeded',
    'ExecutionsFailed',
    'ExecutionTime',
  ])('shows %s', (metricName) => {
    expect(dashboardBody()).toContain(metricName);
  });

  it('splits rejected webhooks by reason', () => {
    expect(dashboardBody()).toContain('{TalentSync,Reason,service}');
  });

  it('reads the webhook and apply metrics by service', () => {
    const body = dashboardBody();
    expect(body).toContain('service=\\\\\\"roster-webhook\\\\\\"');
    expect(body).toContain('\\"service\\",\\"roster-apply\\"');
  });
});

describe('dashboard alarms', () => {
  const topicId = () => logicalId(synthesized.stack.alerts.topic);

  it('alarms on the age of the oldest roster event', () => {
    const alarm = alarmFor('ApproximateAgeOfOldestMessage');
    expect(alarm?.Properties.Threshold).toBe(900);
    expect(alarm?.Properties.EvaluationPeriods).toBe(3);
    expect(alarm?.Properties.Dimensions).toEqual([
      {
        Name: 'QueueName',
        Value: { 'Fn::GetAtt': [logicalId(synthesized.stack.rosterSync.queue), 'QueueName'] },
      },
    ]);
  });

  it('alarms on failed Talent calls of the apply function', () => {
    const alarm = alarmFor(METRIC_NAMES.talentErrors);
    expect(alarm?.Properties.Namespace).toBe('TalentSync');
    expect(alarm?.Properties.Dimensions).toEqual([{ Name: 'service', Value: 'roster-apply' }]);
    expect(alarm?.Properties.Threshold).toBe(10);
  });

  it.each(['ApproximateAgeOfOldestMessage', METRIC_NAMES.talentErrors])(
    'notifies the alert topic on %s',
    (metricName) => {
      expect(alarmFor(metricName)?.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
    },
  );

  it('keeps missing data from alarming', () => {
    expect(alarmFor('ApproximateAgeOfOldestMessage')?.Properties.TreatMissingData).toBe('notBreaching');
  });

  it('gives each alarm the command to run', () => {
    expect(String(alarmFor(METRIC_NAMES.talentErrors)?.Properties.AlarmDescription)).toContain(
      'talent-sync doctor',
    );
  });
});
