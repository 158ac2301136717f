import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DeliveryRejectedError } from '../../lib/hris/errors';
import { GENERIC_HEADERS } from '../../lib/hris/generic-headers';
import type { RawDelivery } from '../../lib/hris/types';

/** Translation between API Gateway HTTP API events (payload format 2.0) and the webhook intake. */

export type WebhookMiddleware = MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/** Fields of the one log line written per delivery; ids and counts only, never payloads or e-mails. */
export interface DeliveryOutcome {
  statusCode: number;
  outcome: string;
  reason?: string;
  eventIds?: string[];
  employeeIds?: string[];
  ignored?: number;
}

/**
 * Returns the request as raw bytes. API Gateway passes a JSON body as a UTF-8 string and other bodies
 * base64-encoded; either way the bytes are the ones the sender signed. HTTP APIs lower-case header names
 * already; they are lower-cased again so that direct invocations behave the same.
 */
export function toRawDelivery(event: APIGatewayProxyEventV2): RawDelivery {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const body = event.body
    ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  return { headers, body };
}

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

/** Writes the delivery's log line, at warn level for 4xx responses and error level for 5xx. */
export function logDelivery(
  logger: Logger,
  event: APIGatewayProxyEventV2,
  outcome: DeliveryOutcome,
  error?: unknown,
): void {
  const fields = {
    source: event.pathParameters?.source,
    requestId: event.requestContext?.requestId,
    deliveryId: event.headers?.[GENERIC_HEADERS.deliveryId],
    ...outcome,
  };
  const message = `webhook delivery ${outcome.outcome}`;
  if (outcome.statusCode >= 500) logger.error(message, { ...fields, error });
  else if (outcome.statusCode >= 400) logger.warn(message, fields);
  else logger.info(message, fields);
}

/**
 * Turns every error into a JSON `{ "message": ... }` response. A DeliveryRejectedError carries its status
 * and a message meant for the sender. Any other error gets status 500 with a fixed message, and only the
 * log shows the error.
 */
export function jsonErrorResponses(logger: Logger): WebhookMiddleware {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof DeliveryRejectedError) {
        logDelivery(
          logger,
          request.event,
          { statusCode: error.statusCode, outcome: 'rejected', reason: error.message, ...error.logFields },
          error.statusCode >= 500 ? (error.cause ?? error) : undefined,
        );
        request.response = jsonResponse(error.statusCode, { message: error.message });
        return;
      }

      logDelivery(
        logger,
        request.event,
        { statusCode: 500, outcome: 'failed', reason: 'internal error' },
        error,
      );
      request.response = jsonResponse(500, {
        message: 'internal error: the delivery was not accepted, retry later',
      });
    },
  };
}
