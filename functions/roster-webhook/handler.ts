import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { runtimeConfig } from '../../lib/config/runtime';
import { adapterFor } from '../../lib/hris/adapters';
import {
  checkBodySize,
  checkContentType,
  findSource,
  loadSigningSecrets,
  parseAndNormalize,
  verifyDelivery,
} from '../../lib/hris/intake';
import { enqueueRosterEvents } from '../../lib/hris/queue';
import { secretWriterFromEnvironment, storeVerificationToken } from '../../lib/hris/verification';
import { ENV, requireEnv } from '../../lib/runtime/environment';
import { createLogger } from '../../lib/runtime/logger';
import { createMetrics, webhookMetrics } from '../../lib/runtime/metrics';
import { jsonErrorResponses, jsonResponse, logDelivery, toRawDelivery } from './http';

/**
 * POST /webhooks/{source}: verifies an HRIS delivery, normalizes it to roster events and queues them.
 * It returns 202 only after SQS has stored every event, and it never calls Talent.
 */

const logger = createLogger('roster-webhook');
const sqs = new SQSClient({});

export async function receiveWebhook(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const receivedAt = new Date();
  const source = findSource((await runtimeConfig()).roster.sources, event.pathParameters?.source);

  const adapter = await adapterFor(source.provider);
  const delivery = toRawDelivery(event);
  checkBodySize(delivery);
  checkContentType(delivery, adapter.contentTypes);

  const secrets = await loadSigningSecrets(source);
  verifyDelivery(adapter, delivery, secrets, receivedAt, source);

  const handshake = adapter.handshake?.(delivery);
  if (handshake) {
    if (handshake.verification) {
      const stored = await storeVerificationToken(
        secretWriterFromEnvironment(),
        source,
        handshake.verification,
        receivedAt,
      );
      logger.info('Verification token stored in the pending-verification secret', {
        source: source.name,
        ...stored,
      });
    }
    logDelivery(logger, event, {
      statusCode: handshake.statusCode,
      outcome: 'acknowledged as a handshake',
      reason: handshake.notice,
    });
    return jsonResponse(handshake.statusCode, handshake.body);
  }

  const { events, ignored } = parseAndNormalize(adapter, {
    source: source.name,
    delivery,
    receivedAt,
    tenantIds: source.tenantIds,
  });
  if (events.length === 0) {
    logDelivery(logger, event, {
      statusCode: 200,
      outcome: 'ignored',
      ignored: ignored.length,
      reason: ignored.map((entry) => entry.reason).join('; '),
    });
    return jsonResponse(200, { accepted: 0, ignored });
  }

  await enqueueRosterEvents(sqs, requireEnv(ENV.rosterQueueUrl), events);
  const eventIds = events.map((rosterEvent) => rosterEvent.eventId);
  logDelivery(logger, event, {
    statusCode: 202,
    outcome: 'accepted',
    eventIds,
    employeeIds: events.map((rosterEvent) => rosterEvent.employeeId),
    ignored: ignored.length,
  });
  return jsonResponse(202, { accepted: events.length, eventIds, ignored });
}

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .use(webhookMetrics(createMetrics('roster-webhook')))
  .use(jsonErrorResponses(logger))
  .handler(receiveWebhook);
