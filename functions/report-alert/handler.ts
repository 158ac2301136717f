import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { describeFailure, type FailureAlert } from '../../lib/reports/alert';
import { createLogger } from '../../lib/runtime/logger';

const logger = createLogger('report-alert');

/** DescribeFailure step: turns the failed run's state into a readable subject and message for SNS. */
async function describeFailedRun(event: unknown): Promise<FailureAlert> {
  const alert = describeFailure(event);

  logger.warn('Report run failed', { subject: alert.subject });
  return alert;
}

export const handler = middy(describeFailedRun).use(injectLambdaContext(logger, { resetKeys: true }));
