import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { runtimeConfig } from '../../lib/config/runtime';
import { createAuditStore } from '../../lib/roster/audit';
import { createParkedEventStore } from '../../lib/roster/parked';
import { type ReleaseResult, releaseDueEvents } from '../../lib/roster/release';
import { ENV, requireEnv } from '../../lib/runtime/environment';
import { createLogger } from '../../lib/runtime/logger';

const logger = createLogger('roster-release');

/** The schedule may pass `now` (ISO 8601) to release as of that time; the local stack does in tests. */
interface ReleaseInput {
  now?: string;
}

async function release(input: ReleaseInput | undefined): Promise<ReleaseResult> {
  const config = await runtimeConfig();
  const now = input?.now ? new Date(input.now) : new Date();
  if (Number.isNaN(now.getTime())) {
    throw new Error(`The input "now" is not an ISO 8601 time: pass one like 2026-08-01T06:00:00Z, or none.`);
  }

  const result = await releaseDueEvents(
    {
      parked: createParkedEventStore(),
      audit: createAuditStore({ retentionDays: config.roster.auditRetentionDays }),
      sqs: new SQSClient({}),
      queueUrl: requireEnv(ENV.rosterQueueUrl),
      logger,
    },
    now,
  );

  logger.info('Parked roster events released', { ...result, now: now.toISOString() });
  // A failed release stays parked; failing the invocation lets the schedule's retry and alarm see it.
  if (result.failed > 0) {
    throw new Error(
      `${result.failed} of ${result.due} due parked roster events could not be sent to the queue; ` +
        'they stay parked and the next run tries again. See the roster-release logs for their event ids.',
    );
  }
  return result;
}

export const handler = middy(release).use(injectLambdaContext(logger, { resetKeys: true }));
