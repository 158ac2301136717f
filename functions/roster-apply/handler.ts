import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { resolveThinEvent } from '../../lib/hris/directory';
import { type ApplyDependencies, applyRosterEvent, logIds, recordEventFailure } from '../../lib/roster/apply';
import { createApplyDependencies } from '../../lib/roster/dependencies';
import type { RosterEvent } from '../../lib/roster/event';
import { parseRosterMessage } from '../../lib/roster/message';
import { createLogger } from '../../lib/runtime/logger';
import { createMetrics, METRIC_NAMES, withTalentMetrics } from '../../lib/runtime/metrics';

const logger = createLogger('roster-apply');
const metrics = createMetrics('roster-apply');

// The FIFO processor works through a batch in order. With skipGroupOnError, a failed record fails
// the later records of its message group (the same person) but not those of other people.
const processor = new SqsFifoPartialProcessorAsync();

let dependencies: ApplyDependencies | undefined;

async function applyRecord(record: SQSRecord): Promise<void> {
  const message = parseRosterMessage(record, logger);

  dependencies ??= withTalentMetrics(await createApplyDependencies(logger), metrics);
  // Providers that send only an id: fetch the person's current record and apply that.
  let event: RosterEvent;
  try {
    event = await resolveThinEvent(message, dependencies.config.roster.sources, logger);
  } catch (error) {
    await recordEventFailure(error, message, dependencies);
    throw error;
  }
  const result = await applyRosterEvent(event, dependencies);

  const log = result.outcome === 'parked' ? logger.warn.bind(logger) : logger.info.bind(logger);
  log('Roster event processed', { messageId: record.messageId, ...logIds(event), ...result });
}

async function applyBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  metrics.addMetric(METRIC_NAMES.rosterRecords, MetricUnit.Count, event.Records.length);
  const response = await processPartialResponse(event, applyRecord, processor, {
    context,
    skipGroupOnError: true,
  });

  logger.info('Roster batch processed', {
    records: event.Records.length,
    failed: response.batchItemFailures.length,
  });
  return response;
}

export const handler = middy(applyBatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
