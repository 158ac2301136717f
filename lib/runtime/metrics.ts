import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

/**
 * CloudWatch metrics of the functions, written as Embedded Metric Format log lines by Powertools.
 * The CDK stack sets the namespace (POWERTOOLS_METRICS_NAMESPACE) and the dashboard reads these names,
 * so renaming one here needs the same change in `infra/constructs/dashboard.ts`.
 */
export const METRIC_NAMES = {
  /** Webhook deliveries that got a 2xx response, by `Outcome` (accepted or ignored). */
  webhookAccepted: 'WebhookAccepted',
  /** Webhook deliveries that got a 4xx or 5xx response, by `Reason`. */
  webhookRejected: 'WebhookRejected',
  /** Milliseconds of one Talent client call, retries and rate-limit waits included. */
  talentLatency: 'TalentCallLatency',
  /** Talent client calls that failed after their retries. */
  talentErrors: 'TalentCallErrors',
  /**
   * Roster queue records one apply batch received. It also keeps a batch that needed no Talent call
   * (duplicates, or nothing to change) from publishing no metric, which Powertools warns about.
   */
  rosterRecords: 'RosterRecords',
} as const;

/** The dimension of `WebhookRejected`, and its value per HTTP status of a rejected delivery. */
export const REJECT_REASON_DIMENSION = 'Reason';
const REJECT_REASONS: Record<number, string> = {
  400: 'invalid-payload',
  401: 'signature',
  403: 'tenant',
  404: 'unknown-source',
  413: 'too-large',
  415: 'content-type',
  500: 'internal',
  503: 'unavailable',
};

/** Creates the metrics of one function. Local mode turns them off with POWERTOOLS_METRICS_DISABLED. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'TalentSync' });
}

/** Returns the `Reason` value for the HTTP status of a rejected delivery. */
export function rejectReason(statusCode: number): string {
  return REJECT_REASONS[statusCode] ?? (statusCode >= 500 ? 'internal' : `status-${statusCode}`);
}

interface HttpResponse {
  statusCode?: number;
}

/**
 * A middy middleware that counts each webhook response as accepted or rejected by reason, and publishes
 * the metric at once as one EMF line. Use it before the middleware that turns errors into responses:
 * middy runs `onError` handlers in reverse order, so this one then reads the response that the other set.
 * It reuses `metrics` because `singleMetric()` builds a new Metrics instance and console per delivery.
 * Nothing awaits between adding and publishing, so concurrent deliveries do not mix their dimensions.
 */
export function webhookMetrics(metrics: Metrics): MiddlewareObj<unknown, HttpResponse | undefined> {
  const record = (response: HttpResponse | undefined | null) => {
    const statusCode = response?.statusCode ?? 500;
    if (statusCode < 400) {
      metrics.addDimension('Outcome', statusCode === 202 ? 'accepted' : 'ignored');
      metrics.addMetric(METRIC_NAMES.webhookAccepted, MetricUnit.Count, 1);
    } else {
      metrics.addDimension(REJECT_REASON_DIMENSION, rejectReason(statusCode));
      metrics.addMetric(METRIC_NAMES.webhookRejected, MetricUnit.Count, 1);
    }
    // Publishing clears the added dimension and keeps the default ones (the service name).
    metrics.publishStoredMetrics();
  };
  return {
    after: async (request) => record(request.response),
    onError: async (request) => record(request.response),
  };
}

/**
 * Wraps a client so that every promise-returning method records its latency and, when it rejects, an
 * error; metrics are published by the caller (for example Powertools' `logMetrics` middleware).
 */
export function withCallMetrics<T extends object>(client: T, metrics: Metrics): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then(
          (resolved) => {
            metrics.addMetric(
              METRIC_NAMES.talentLatency,
              MetricUnit.Milliseconds,
              performance.now() - started,
            );
            return resolved;
          },
          (error: unknown) => {
            metrics.addMetric(
              METRIC_NAMES.talentLatency,
              MetricUnit.Milliseconds,
              performance.now() - started,
            );
            metrics.addMetric(METRIC_NAMES.talentErrors, MetricUnit.Count, 1);
            throw error;
          },
        );
      };
    },
  });
}

/** Returns the dependencies with their Talent client wrapped by `withCallMetrics`. */
export function withTalentMetrics<T extends { talent: object }>(dependencies: T, metrics: Metrics): T {
  return { ...dependencies, talent: withCallMetrics(dependencies.talent, metrics) };
}
