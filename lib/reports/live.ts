import { Readable } from 'node:stream';
import type { TalentClient } from '../talent/client';
import { type CsvOptions, CsvRecordWriter } from './csv';
import type { ReportLogger } from './source';

/** The largest page `POST /reports/reportBuilder/data` accepts (the reference allows 10 to 100). */
export const LIVE_PAGE_SIZE = 100;

export interface LiveReportOptions {
  client: Pick<TalentClient, 'getReportBuilderData'>;
  /** The saved Report Builder report to page through. */
  reportId: string;
  /** The run's request id, for log entries. */
  requestId: string;
  csv: CsvOptions;
  pageSize?: number;
  logger?: ReportLogger;
}

export interface LiveReportSource {
  /** UTF-8 CSV bytes: a header from the first page's keys, then one record per row of every page. */
  stream: Readable;
  /** Keys first seen after the first page, which have no column; complete once the stream has ended. */
  unmappedColumns(): string[];
}

/**
 * Pages through the live Report Builder data of a saved report into one CSV stream. A page is fetched
 * only when the reader wants more bytes, so memory holds about one page whatever the row count. Paging
 * stops after `pagination.pageCount` pages, or at the first empty page. Talent 429 and 5xx answers are
 * retried by the client; one that persists fails the stream, and with it the save.
 */
// NOTE: pages are fetched one after another within the client's rate limit (talent.requestsPerSecond,
// default 5), so about 500 rows a second. A live report of millions of rows would not finish within the
// save function's 15 minutes; use an export for those.
export function liveReportSource(options: LiveReportOptions): LiveReportSource {
  const pageSize = options.pageSize ?? LIVE_PAGE_SIZE;
  let writer: CsvRecordWriter | undefined;

  async function* pages(): AsyncGenerator<Buffer> {
    for (let pageNumber = 1; ; pageNumber++) {
      const page = await options.client.getReportBuilderData({
        reportId: options.reportId,
        pageSize,
        pageNumber,
      });
      const rows = page.reportData as Record<string, unknown>[];
      if (!writer) {
        writer = new CsvRecordWriter(rows, options.csv);
        yield Buffer.from(writer.header(), 'utf8');
      }
      if (rows.length > 0) yield Buffer.from(writer.records(rows), 'utf8');
      if (rows.length === 0 || pageNumber >= page.pagination.pageCount) break;
    }

    const unmapped = writer?.unmappedColumns() ?? [];
    if (unmapped.length > 0) {
      options.logger?.warn('Live report rows had keys that the first page did not have; they were left out', {
        requestId: options.requestId,
        unmappedColumns: unmapped,
      });
    }
  }

  return {
    stream: Readable.from(pages(), { objectMode: false }),
    unmappedColumns: () => writer?.unmappedColumns() ?? [],
  };
}
