import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReport } from '../../cli/commands/status';
import type { LocalStack } from '../../local/stack';
import { startExampleStack } from './local-stack';
import { runCli } from './support';

let stack: LocalStack;
let stateDir: string;

beforeAll(async () => {
  ({ stack, stateDir } = await startExampleStack());
});

afterAll(async () => {
  await stack?.close();
});

async function status(args: string[] = []): Promise<StatusReport> {
  const run = await runCli(['status', '--json', '--local', '--local-dir', stateDir, ...args]);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as StatusReport;
}

describe('status against the local stack', () => {
  it('shows empty queues and no runs at first', async () => {
    const report = await status();
    expect(report.queue.visible).toBe(0);
    expect(report.deadLetterQueue.visible).toBe(0);
    expect(report.schedulesWithoutRuns).toEqual(['coaching-weekly', 'observations-export']);
    expect(report.reconcile).toBeNull();
  });

  it('lists a finished report run with its keys', async () => {
    const run = await stack.runReport('coaching-weekly', new Date('2026-03-02T12:00:00Z'));
    expect(run.ok).toBe(true);
    const report = await status();
    const coaching = report.reports.find((entry) => entry.schedule === 'coaching-weekly');
    expect(coaching?.key).toMatch(/^reports\/coaching-weekly\/date=2026-03-02\/.*\.csv$/);
    expect(coaching?.manifestKey).toBe(coaching?.key.replace(/\.csv$/, '.manifest.json'));
    expect(coaching?.scheduledTime).toBe('2026-03-02T12:00:00.000Z');
  });

  it('shows the newest run first', async () => {
    await stack.runReport('coaching-weekly', new Date('2026-03-09T12:00:00Z'));
    const report = await status();
    const times = report.reports
      .filter((entry) => entry.schedule === 'coaching-weekly')
      .map((entry) => entry.scheduledTime);
    expect(times).toEqual(['2026-03-09T12:00:00.000Z', '2026-03-02T12:00:00.000Z']);
  });

  it('limits the runs per schedule', async () => {
    const report = await status(['--runs', '1']);
    expect(report.reports.filter((entry) => entry.schedule === 'coaching-weekly')).toHaveLength(1);
  });

  it('counts a message in the dead-letter queue', async () => {
    await stack.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.deadLetterQueueUrl,
        MessageBody: '{}',
        MessageGroupId: 'status-test',
        MessageDeduplicationId: 'status-test-1',
      }),
    );
    const report = await status();
    expect(report.deadLetterQueue.visible).toBe(1);
  });

  it('shows the newest reconcile plan', async () => {
    const plan = {
      runId: 'run-2026-03-10',
      creates: [{}],
      updates: [],
      deactivations: [],
      missingGroups: [],
      leftAlone: [],
    };
    await stack.s3.send(
      new PutObjectCommand({
        Bucket: stack.bucket,
        Key: 'roster/plans/run-2026-03-10.json',
        Body: JSON.stringify({
          status: 'applied',
          roster: 'roster/inbox/staff.csv',
          talentRequests: 3,
          plan,
        }),
      }),
    );
    const report = await status();
    expect(report.reconcile?.status).toBe('applied');
    expect(report.reconcile?.runId).toBe('run-2026-03-10');
    expect(report.reconcile?.counts?.creates).toBe(1);
  });

  it('prints tables by default', async () => {
    const run = await runCli(['status', '--local', '--local-dir', stateDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^QUEUE\s+WAITING\s+IN FLIGHT\s+DELAYED$/m);
    expect(run.stdout).toContain('Reconcile: applied run-2026-03-10');
  });
});

describe('status against AWS', () => {
  it('needs the queue URL', async () => {
    const run = await runCli(['status']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('pass --queue-url');
  });
});
