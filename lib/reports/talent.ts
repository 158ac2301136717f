import type { Config } from '../config/schema';
import { getSecretValue } from '../runtime/secrets';
import { createTalentClient, type TalentClient } from '../talent/client';

/** The part of the Talent client that the report steps use; tests may pass any object of this shape. */
export type ReportClient = Pick<TalentClient, 'requestReport' | 'getReport' | 'getReportBuilderData'>;

/** The status that `GET /reports/{reportId}` returns: pending, complete with data or a download URL, or failed. */
export type ReportStatus = Awaited<ReturnType<TalentClient['getReport']>>;

/**
 * Milliseconds a status check may take when its response can carry a whole report: a complete JSON report
 * arrives inside the `GET /reports/{reportId}` body, and the client's timeout covers the body too.
 */
export const REPORT_DATA_TIMEOUT_MS = 120_000;

const clients = new WeakMap<Config['talent'], Map<number, TalentClient>>();

/**
 * Returns the Talent client for the report steps, built once per config object and timeout so a warm
 * function keeps its rate limit state. The bearer token is read from Secrets Manager (or the local
 * secrets file) before each request, through the secrets cache, so a rotated token takes effect without
 * a cold start. `timeoutMs` defaults to `talent.timeoutMs`.
 */
export function reportTalentClient(talent: Config['talent'], timeoutMs = talent.timeoutMs): TalentClient {
  let byTimeout = clients.get(talent);
  if (!byTimeout) {
    byTimeout = new Map();
    clients.set(talent, byTimeout);
  }

  let client = byTimeout.get(timeoutMs);
  if (!client) {
    client = createTalentClient({
      baseUrl: talent.baseUrl,
      token: () => getSecretValue(talent.tokenSecretName),
      timeoutMs,
      maxRetries: talent.maxRetries,
      requestsPerSecond: talent.requestsPerSecond,
    });
    byTimeout.set(timeoutMs, client);
  }
  return client;
}

/** Returns the client for steps whose status check may return a whole JSON report. */
export function reportDataTalentClient(talent: Config['talent']): TalentClient {
  return reportTalentClient(talent, Math.max(talent.timeoutMs, REPORT_DATA_TIMEOUT_MS));
}
