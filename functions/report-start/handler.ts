import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import { runtimeConfig } from '../../lib/config/runtime';
import { parseExecutionInput } from '../../lib/reports/execution-input';
import { findSchedule } from '../../lib/reports/schedule';
import { type StartedRun, startReportRun, stepFunctionsStarter } from '../../lib/reports/start';
import { ENV, requireEnv } from '../../lib/runtime/environment';
import { createLogger } from '../../lib/runtime/logger';

const logger = createLogger('report-start');
const sfn = new SFNClient({});

/**
 * The target of each EventBridge schedule: starts the report execution under a name made from the
 * schedule and the scheduled time, so a duplicate trigger starts nothing new.
 */
async function startScheduledReport(event: unknown): Promise<StartedRun> {
  const execution = parseExecutionInput(event);
  logger.appendKeys({ schedule: execution.schedule });

  const config = await runtimeConfig();
  const schedule = findSchedule(config.reports, execution.schedule);
  const stateMachineArn = requireEnv(ENV.reportStateMachineArn);

  const result = await startReportRun({
    schedule,
    scheduledTime: new Date(execution.scheduledTime),
    start: stepFunctionsStarter(sfn, stateMachineArn),
  });

  logger.info(result.started ? 'Started report execution' : 'Report execution exists already', {
    executionName: result.executionName,
    scheduledTime: result.scheduledTime,
  });
  return result;
}

export const handler = middy(startScheduledReport).use(injectLambdaContext(logger, { resetKeys: true }));
