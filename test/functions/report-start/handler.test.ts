import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError, UnknownScheduleError } from '../../../lib/reports/errors';
import { ENV } from '../../../lib/runtime/environment';
import { lambdaContext } from '../../../local/lambda-context';
import { rejectionOf, SCHEDULED_TIME } from '../../lib/reports/fixtures';
import { type ReportEnvironment, startReportEnvironment } from '../../lib/reports/report-environment';

// The Step Functions call itself is covered by startReportRun's tests with an injected starter and by
// the local stack, which starts its executions through the same code; there is no local Step Functions
// server to call here. These tests cover what the handler decides before that call.

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

let environment: ReportEnvironment;
let handler: Handler;

beforeAll(async () => {
  environment = await startReportEnvironment();
  process.env[ENV.reportStateMachineArn] = 'arn:aws:states:us-east-1:123456789012:stateMachine:reports';
  handler = (await import('../../../functions/report-start/handler')).handler as unknown as Handler;
});

afterAll(async () => {
  delete process.env[ENV.reportStateMachineArn];
  await environment?.close();
});

describe('report-start handler', () => {
  it('rejects an input without a scheduled time', async () => {
    const error = await rejectionOf(handler({ schedule: 'coaching-weekly' }, lambdaContext('report-start')));
    expect(error).toBeInstanceOf(ReportInputError);
  });

  it('rejects a schedule that the config does not have', async () => {
    const error = await rejectionOf(
      handler({ schedule: 'nightly', scheduledTime: SCHEDULED_TIME }, lambdaContext('report-start')),
    );
    expect(error).toBeInstanceOf(UnknownScheduleError);
  });
});
