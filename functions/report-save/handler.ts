import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { runtimeConfig } from '../../lib/config/runtime';
import { parseReportRun, type SavedReportRun } from '../../lib/reports/run';
import { checksumsEnabled, saveReport } from '../../lib/reports/save';
import { findSchedule } from '../../lib/reports/schedule';
import { reportDataTalentClient } from '../../lib/reports/talent';
import { ENV, requireEnv } from '../../lib/runtime/environment';
import { createLogger } from '../../lib/runtime/logger';

const logger = createLogger('report-save');
const s3 = new S3Client({});

/** SaveReport step: streams the complete report to S3 as CSV, then writes its manifest. */
async function saveCompleteReport(event: unknown): Promise<SavedReportRun> {
  const run = parseReportRun(event);
  logger.appendKeys({ schedule: run.schedule, requestId: run.requestId });

  const config = await runtimeConfig();
  const bucket = requireEnv(ENV.reportBucket);
  const schedule = findSchedule(config.reports, run.schedule);

  const saved = await saveReport({
    run,
    schedule,
    reports: config.reports,
    s3,
    bucket,
    talent: reportDataTalentClient(config.talent),
    checksums: checksumsEnabled(process.env[ENV.reportS3Checksums]),
    downloadTimeoutMs: config.talent.timeoutMs,
    logger,
  });

  logger.info('Saved report', { status: 'saved', key: saved.key, rows: saved.rows, bytes: saved.bytes });
  return { ...run, status: 'saved', ...saved };
}

export const handler = middy(saveCompleteReport).use(injectLambdaContext(logger, { resetKeys: true }));
