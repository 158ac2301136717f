import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { runtimeConfig } from '../../lib/config/runtime';
import { pollReport } from '../../lib/reports/poll';
import { parseReportRun, type ReportRun } from '../../lib/reports/run';
import { reportDataTalentClient } from '../../lib/reports/talent';
import { createLogger } from '../../lib/runtime/logger';

const logger = createLogger('report-poll');

/** PollReport step: checks the report's status once and returns the run state with the next wait. */
async function pollReportStatus(event: unknown): Promise<ReportRun> {
  const run = parseReportRun(event);
  logger.appendKeys({ schedule: run.schedule, requestId: run.requestId });

  const config = await runtimeConfig();
  const next = await pollReport({
    run,
    poll: config.reports.poll,
    client: reportDataTalentClient(config.talent),
  });

  const details = {
    status: next.status,
    polls: next.polls,
    waitedSeconds: next.waitedSeconds,
    waitSeconds: next.waitSeconds,
  };
  if (next.failureReason) {
    logger.warn('Report did not complete', { ...details, failureReason: next.failureReason });
  } else {
    logger.info('Polled report status', details);
  }
  return next;
}

export const handler = middy(pollReportStatus).use(injectLambdaContext(logger, { resetKeys: true }));
