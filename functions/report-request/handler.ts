import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { runtimeConfig } from '../../lib/config/runtime';
import { parseExecutionInput } from '../../lib/reports/execution-input';
import { requestReport } from '../../lib/reports/request';
import type { ReportRun } from '../../lib/reports/run';
import { reportTalentClient } from '../../lib/reports/talent';
import { createLogger } from '../../lib/runtime/logger';

const logger = createLogger('report-request');

/** RequestReport step: requests the scheduled report from Talent and returns the first run state. */
async function requestScheduledReport(event: unknown): Promise<ReportRun> {
  const execution = parseExecutionInput(event);
  logger.appendKeys({ schedule: execution.schedule });

  const config = await runtimeConfig();
  const run = await requestReport({
    execution,
    reports: config.reports,
    client: reportTalentClient(config.talent),
  });

  logger.info('Requested report from Talent', {
    requestId: run.requestId,
    status: run.status,
    report: run.report,
    scheduledTime: run.scheduledTime,
    period: run.period,
  });
  return run;
}

export const handler = middy(requestScheduledReport).use(injectLambdaContext(logger, { resetKeys: true }));
