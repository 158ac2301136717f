import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type CsvOptions, csvStream } from './csv';
import { ReportDownloadError, ReportNotReadyError } from './errors';
import type { ReportClient } from './talent';

/** The logger methods the report library calls; it logs only retries and warnings. */
export type ReportLogger = Pick<Logger, 'info' | 'warn'>;

export interface ReportSourceOptions {
  client: Pick<ReportClient, 'getReport'>;
  requestId: string;
  /** CSV options for JSON report data; a downloaded CSV is stored as Talent sends it. */
  csv: CsvOptions;
  /** Milliseconds to wait for the download's response headers. The body may take as long as it needs. */
  downloadTimeoutMs: number;
  /** Fresh download URLs to fetch after the download returns 403 or 410, as an expired URL does. */
  maxUrlRefreshes?: number;
  logger?: ReportLogger;
}

/** Statuses with which a presigned download URL rejects a request once it has expired. */
const EXPIRED_URL_STATUSES = new Set([403, 410]);

/**
 * Opens the CSV bytes of a complete report as a stream. A Report Builder export is downloaded from its
 * `csvDownloadUrl`, which is fetched fresh from Talent here because the URL the poll saw may have expired
 * since. Any other report arrives as JSON `reportData` and is converted to CSV.
 */
export async function openReportSource(options: ReportSourceOptions): Promise<Readable> {
  const result = await options.client.getReport(options.requestId);
  if (result.status !== 'complete') {
    throw new ReportNotReadyError(
      options.requestId,
      `Report ${options.requestId} is ${result.status} in Talent, not complete, so there is nothing to save. ` +
        'The SaveReport step runs only after PollReport saw it complete: check the state machine definition.',
    );
  }

  if (result.csvDownloadUrl) return downloadCsv(result.csvDownloadUrl, options);
  if (Array.isArray(result.reportData)) return csvStream(result.reportData, options.csv);

  throw new ReportNotReadyError(
    options.requestId,
    `Report ${options.requestId} is complete in Talent but has neither csvDownloadUrl nor reportData.`,
  );
}

async function downloadCsv(firstUrl: string, options: ReportSourceOptions): Promise<Readable> {
  const maxUrlRefreshes = options.maxUrlRefreshes ?? 2;
  let url = firstUrl;

  for (let refreshes = 0; ; refreshes++) {
    const response = await fetchWithHeaderTimeout(url, options);
    if (response.ok && response.body) {
      return Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
    }
    await response.body?.cancel();

    if (EXPIRED_URL_STATUSES.has(response.status) && refreshes < maxUrlRefreshes) {
      options.logger?.warn('Report download URL was rejected, probably expired; fetching a fresh one', {
        requestId: options.requestId,
        status: response.status,
        refresh: refreshes + 1,
      });
      url = await freshDownloadUrl(options);
      continue;
    }

    throw new ReportDownloadError(
      options.requestId,
      `Download of report ${options.requestId} from ${describeUrl(url)} failed with HTTP ${response.status}` +
        (refreshes > 0 ? ` after ${refreshes} fresh download URL(s)` : '') +
        '. The state machine retries the step; if it keeps failing, check the report in Talent.',
      response.status,
    );
  }
}

async function fetchWithHeaderTimeout(url: string, options: ReportSourceOptions): Promise<Response> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new ReportDownloadError(
      options.requestId,
      `Report ${options.requestId} has a download URL with scheme ${target.protocol}; only http and https are fetched.`,
    );
  }

  // The timer covers the response headers only, because a large CSV may stream for minutes.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.downloadTimeoutMs);
  try {
    return await fetch(target, { signal: controller.signal, redirect: 'follow' });
  } catch (error) {
    const reason = controller.signal.aborted
      ? `no response within ${options.downloadTimeoutMs} ms`
      : (error as Error).message;
    throw new ReportDownloadError(
      options.requestId,
      `Download of report ${options.requestId} from ${describeUrl(url)} failed: ${reason}.`,
      undefined,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

async function freshDownloadUrl(options: ReportSourceOptions): Promise<string> {
  const result = await options.client.getReport(options.requestId);
  if (result.status === 'complete' && result.csvDownloadUrl) return result.csvDownloadUrl;

  throw new ReportDownloadError(
    options.requestId,
    `Report ${options.requestId} returned no fresh csvDownloadUrl (status ${result.status}) after its URL expired.`,
  );
}

/** Origin and path of a URL; the query of a presigned URL carries a signature and stays out of messages. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
