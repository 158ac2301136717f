import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { handleAdmin } from './admin';
import {
  DOWNLOAD_OPERATION,
  FaultInjector,
  type FaultKind,
  type FaultOptions,
  type InjectedFault,
} from './faults';
import { createHandlers, SimulatorHttpError, WRITE_OPERATIONS } from './handlers';
import { drain, readBody, sendJson } from './http';
import { type CompiledOperation, responseValidator, TalentApiDocument } from './openapi';
import { builderCsvStream } from './reports';
import {
  type SimulatedGroup,
  type SimulatedUser,
  type SimulatorSeed,
  SimulatorState,
  type TokenKind,
} from './state';

export type { FaultKind, FaultOptions } from './faults';
export type { SeedUser, SimulatedGroup, SimulatedUser, SimulatorSeed, TokenKind, UserStatus } from './state';

export const API_BASE_PATH = '/api/v2';
export const DEFAULT_TOKENS = {
  user: 'local-user-token',
  system: 'local-system-token',
  network: 'local-network-token',
} as const;

export interface SimulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Accepted bearer tokens per kind; a kind left out keeps its default token. */
  tokens?: { user?: string[]; system?: string[]; network?: string[] };
  /** Milliseconds a report stays pending. Default 1000. */
  reportPendingMs?: number;
  /**
   * Decides, when a report is requested, whether it completes, fails, or stays pending for ever
   * (`stalled`). Default: complete.
   */
  reportOutcome?: (request: Record<string, unknown>) => 'complete' | 'failed' | 'stalled';
  /** Milliseconds a CSV download address stays valid. Default 5 minutes. */
  downloadUrlTtlMs?: number;
  /** Rows in generated reports and Report Builder data. Default 25. */
  reportRows?: number;
  /** Milliseconds of delay before every API response. Default 0. */
  latencyMs?: number;
  /**
   * A server-side rate limit on API requests, as a token bucket that refills at `requestsPerSecond`
   * and contains up to `burst` requests (default one second's worth). A request beyond it gets 429 with
   * `Retry-After` and is logged with the fault `rate-limit`. Default: no limit.
   */
  rateLimit?: { requestsPerSecond: number; burst?: number };
  /** Users and groups present at start and after `reset()`; a "Default Group" always exists. */
  seed?: SimulatorSeed;
  faults?: FaultOptions;
  /**
   * Checks every API response against the OpenAPI document. A response that does not match is
   * replaced by a 500 and recorded in `responseViolations()`. Meant for tests.
   */
  validateResponses?: boolean;
  /** Milliseconds since the epoch; replace it to move report and download clocks in tests. */
  now?: () => number;
}

export interface RequestLogEntry {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The query string including `?`, or empty. */
  query: string;
  /** The response status, or 0 when the connection closed without a response. */
  status: number;
  operationId?: string;
  fault?: FaultKind | 'rate-limit';
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface TalentSimulator {
  /** The API base address, for example `http://127.0.0.1:PORT/api/v2`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** Restores the seeded data and the start-up faults, and clears logs and counters. */
  reset(): void;
  /** Replaces the fault settings; undefined turns random faults off. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Fails the next `count` requests to `operationId` (any API operation when absent) with `kind`. */
  failNext(count: number, kind: FaultKind, operationId?: string): void;
  /** Issues the next `count` Report Builder download URLs already expired, as a slow client would meet them. */
  issueExpiredDownloadUrls(count: number): void;
  users(): SimulatedUser[];
  groups(): SimulatedGroup[];
  requestLog(): RequestLogEntry[];
  /** Requests received per operationId, faulted ones included. */
  counts(): Record<string, number>;
  /** Responses that did not match the OpenAPI document (with `validateResponses`). */
  responseViolations(): string[];
}

const DEFAULT_REPORT_PENDING_MS = 1000;
const DEFAULT_DOWNLOAD_TTL_MS = 5 * 60 * 1000;
const DEFAULT_REPORT_ROWS = 25;
const DOWNLOAD_PATH = /^\/downloads\/([0-9a-f]{32})\.csv$/;

/** Starts a strict Talent API V2 stand-in on 127.0.0.1. */
export async function startTalentSimulator(options: SimulatorOptions = {}): Promise<TalentSimulator> {
  const document = new TalentApiDocument();
  const now = options.now ?? Date.now;
  const state = new SimulatorState(options.seed ?? {}, now);
  const faults = new FaultInjector(options.faults);
  const tokens = tokenTable(options.tokens);
  const reportRows = options.reportRows ?? DEFAULT_REPORT_ROWS;
  const expiredDownloadUrls = { remaining: 0 };
  const handlers = createHandlers(state, {
    now,
    reportPendingMs: options.reportPendingMs ?? DEFAULT_REPORT_PENDING_MS,
    downloadUrlTtlMs: options.downloadUrlTtlMs ?? DEFAULT_DOWNLOAD_TTL_MS,
    reportRows: () => reportRows,
    expiredDownloadUrls,
    reportOutcome: options.reportOutcome ?? (() => 'complete'),
  });

  const rateLimiter = options.rateLimit ? new ServerRateLimit(options.rateLimit, now) : undefined;
  let log: RequestLogEntry[] = [];
  let counts: Record<string, number> = {};
  let violations: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const simulator: TalentSimulator = {
    url: '',
    port: 0,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
    reset: () => {
      state.reset();
      faults.reset(options.faults);
      log = [];
      counts = {};
      violations = [];
    },
    setFaults: (settings) => faults.configure(settings),
    failNext: (count, kind, operationId) => faults.failNext(count, kind, operationId),
    issueExpiredDownloadUrls: (count) => {
      expiredDownloadUrls.remaining = count;
    },
    users: () => [...state.users.values()].map((user) => state.userView(user)),
    groups: () => [...state.groups.values()].map((group) => state.groupView(group)),
    requestLog: () => log.map((entry) => ({ ...entry })),
    counts: () => ({ ...counts }),
    responseViolations: () => [...violations],
  };

  const record = (entry: RequestLogEntry) => log.push(entry);
  const count = (operationId: string) => {
    counts[operationId] = (counts[operationId] ?? 0) + 1;
  };

  const server = createServer((request, response) => {
    const startedMs = Date.now();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const entry: Omit<RequestLogEntry, 'status' | 'finishedAt' | 'durationMs'> = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      startedAt: new Date(startedMs).toISOString(),
    };
    const isAdmin = url.pathname === '/__admin' || url.pathname.startsWith('/__admin/');
    response.on('close', () => {
      if (isAdmin) return;
      const finishedMs = Date.now();
      record({
        ...entry,
        status: response.headersSent ? response.statusCode : 0,
        finishedAt: new Date(finishedMs).toISOString(),
        durationMs: finishedMs - startedMs,
      });
    });

    const work = isAdmin
      ? handleAdmin(request, response, url, { simulator, state, faults, readBody })
      : DOWNLOAD_PATH.test(url.pathname)
        ? serveDownload(request, response, url, entry)
        : serveApi(request, response, url, entry);
    work.catch((error: unknown) => {
      if (error instanceof SimulatorHttpError) {
        return sendJson(response, error.status, { message: error.message }, { Connection: 'close' });
      }
      const message = error instanceof Error ? error.message : String(error);
      console.error(`talent-simulator: ${request.method} ${url.pathname} failed: ${message}`);
      sendJson(response, 500, { message: `simulator error: ${message}` });
    });
  });

  async function serveApi(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    entry: { operationId?: string; fault?: FaultKind | 'rate-limit' },
  ): Promise<void> {
    const method = request.method ?? 'GET';
    if (url.pathname !== API_BASE_PATH && !url.pathname.startsWith(`${API_BASE_PATH}/`)) {
      await drain(request);
      return sendJson(response, 404, {
        message: `unknown path ${url.pathname}: the Talent API is served under ${API_BASE_PATH}`,
      });
    }
    const route = document.match(method, url.pathname.slice(API_BASE_PATH.length));
    if (route.kind !== 'operation') {
      await drain(request);
      if (route.kind === 'method-not-allowed') {
        return sendJson(
          response,
          405,
          {
            message: `method ${method} is not allowed on ${url.pathname}; allowed: ${route.allowed.join(', ')}`,
          },
          { Allow: route.allowed.join(', ') },
        );
      }
      if (route.kind === 'bad-path') return sendJson(response, 400, { message: route.message });
      return sendJson(response, 404, { message: `unknown path: ${method} ${url.pathname}` });
    }

    const { operation } = route;
    entry.operationId = operation.operationId;
    count(operation.operationId);
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (!(error instanceof SimulatorHttpError)) throw error;
      return respond(operation, response, error.status, { message: error.message }, { Connection: 'close' });
    }

    const retryAfterSeconds = rateLimiter?.take();
    if (retryAfterSeconds !== undefined) {
      entry.fault = 'rate-limit';
      return respond(
        operation,
        response,
        429,
        { message: 'too many requests: the rate limit is exceeded; retry after the Retry-After delay' },
        { 'Retry-After': String(retryAfterSeconds) },
      );
    }
    if (options.latencyMs) await delay(options.latencyMs);
    const fault = faults.pick(operation.operationId);
    if (fault) {
      entry.fault = fault.kind;
      const handled = await applyFault(fault, request, (status, message, headers) =>
        respond(operation, response, status, { message }, headers),
      );
      if (handled) return;
    }

    try {
      const token = authenticate(request, operation.operationId);
      const context = parseRequest(operation, route.pathParams, url, request, body);
      const result = handlers[operation.operationId]?.({ ...context, token, origin: originOf(server) });
      if (!result)
        throw new SimulatorHttpError(501, `${operation.operationId} is not implemented in the simulator`);
      if (fault?.kind === 'stall') stallReport(result.body);
      respond(operation, response, result.status, result.body);
    } catch (error) {
      if (!(error instanceof SimulatorHttpError)) throw error;
      const headers: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      respond(operation, response, error.status, { message: error.message }, headers);
    }
  }

  /** Applies a fault; returns false for `slow`, after which the request is processed normally. */
  async function applyFault(
    fault: InjectedFault,
    request: IncomingMessage,
    sendError: (status: number, message: string, headers?: Record<string, string>) => void,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'drop':
        request.socket.destroy();
        return true;
      case 'stall':
        // The report request itself succeeds; stallReport marks the report it created afterwards.
        return false;
      case 'slow':
        // The request still takes effect after the wait, as on a slow server: a client that timed out
        // and retries a create may then meet a 409.
        await delay(fault.slowMs);
        return false;
      case '429':
        sendError(429, 'too many requests: slow down and retry after the Retry-After delay', {
          'Retry-After': String(fault.retryAfterSeconds),
        });
        return true;
      default:
        sendError(
          Number(fault.kind),
          `injected fault: ${fault.kind} ${STATUS_TEXT[fault.kind] ?? ''}`.trim(),
        );
        return true;
    }
  }

  /** Leaves the report that a successful requestReport created pending for ever. */
  function stallReport(body: unknown): void {
    const reportId = (body as { insightsReportRequestId?: unknown } | undefined)?.insightsReportRequestId;
    const report = typeof reportId === 'string' ? state.reports.get(reportId) : undefined;
    if (report) report.outcome = 'stalled';
  }

  function authenticate(request: IncomingMessage, operationId: string): TokenKind {
    const header = request.headers.authorization;
    if (!header) {
      throw new SimulatorHttpError(
        401,
        'missing bearer token: send the header Authorization: Bearer <token>',
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new SimulatorHttpError(401, 'the Authorization header must use the Bearer scheme');
    const kind = tokens.get(match[1]);
    if (!kind) throw new SimulatorHttpError(401, 'unknown bearer token: use a user, system or network token');
    if (kind === 'user' && WRITE_OPERATIONS.has(operationId)) {
      throw new SimulatorHttpError(
        403,
        `${operationId} needs a system or network token; a user token can only read`,
      );
    }
    return kind;
  }

  function parseRequest(
    operation: CompiledOperation,
    pathParams: Record<string, string>,
    url: URL,
    request: IncomingMessage,
    raw: Buffer,
  ): { pathParams: Record<string, string>; query: Record<string, unknown>; body: unknown } {
    if (!operation.pathParams.validate(pathParams)) {
      throw new SimulatorHttpError(
        400,
        document.describeErrors(operation.pathParams.validate.errors, 'path parameter'),
      );
    }

    const query: Record<string, unknown> = {};
    for (const [name, value] of url.searchParams) {
      if (name in query)
        throw new SimulatorHttpError(400, `query parameter '${name}' is given more than once`);
      query[name] = value;
    }
    // The validator coerces the strings in place, so `pageNumber` becomes a number.
    if (!operation.query.validate(query)) {
      throw new SimulatorHttpError(
        400,
        document.describeErrors(operation.query.validate.errors, 'query parameter'),
      );
    }

    return { pathParams, query, body: parseBody(operation, request, raw) };
  }

  function parseBody(operation: CompiledOperation, request: IncomingMessage, raw: Buffer): unknown {
    if (!operation.body) {
      if (raw.length > 0) {
        throw new SimulatorHttpError(400, `${operation.method} ${operation.template} takes no request body`);
      }
      return undefined;
    }
    if (raw.length === 0) {
      if (!operation.body.required) return undefined;
      throw new SimulatorHttpError(
        400,
        'request body is required: send a JSON object with Content-Type: application/json',
      );
    }

    const contentType = request.headers['content-type'];
    const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      throw new SimulatorHttpError(
        415,
        `Content-Type must be application/json, got ${contentType ?? 'none'}`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new SimulatorHttpError(400, `body is not valid JSON: ${(error as Error).message}`);
    }
    if (!operation.body.validate(body)) {
      throw new SimulatorHttpError(400, document.describeErrors(operation.body.validate.errors, 'body'));
    }
    return body;
  }

  /** Sends an API response, checking it against the document first when `validateResponses` is on. */
  function respond(
    operation: CompiledOperation,
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (options.validateResponses) {
      const violation = checkResponse(operation, status, body);
      if (violation) {
        violations.push(violation);
        sendJson(response, 500, { message: violation });
        return;
      }
    }
    sendJson(response, status, body, headers);
  }

  function checkResponse(operation: CompiledOperation, status: number, body: unknown): string | undefined {
    const { found, validate } = responseValidator(operation, status);
    if (!found) {
      return `simulator returned ${status} for ${operation.operationId}, a status the OpenAPI document does not list`;
    }
    if (validate && !validate(body)) {
      const reason = document.describeErrors(validate.errors, 'body');
      return `simulator response ${status} for ${operation.operationId} does not match the OpenAPI document: ${reason}`;
    }
    return undefined;
  }

  async function serveDownload(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    entry: { operationId?: string; fault?: FaultKind | 'rate-limit' },
  ): Promise<void> {
    await drain(request);
    if (request.method !== 'GET') {
      return sendJson(response, 405, { message: 'downloads accept only GET' }, { Allow: 'GET' });
    }
    const token = DOWNLOAD_PATH.exec(url.pathname)?.[1] ?? '';
    const download = state.downloads.get(token);
    if (!download) return sendJson(response, 404, { message: 'download not found' });
    if (now() > download.expiresAt) {
      return sendJson(response, 403, {
        message: 'the download URL has expired: get the report status again for a fresh URL',
      });
    }

    entry.operationId = DOWNLOAD_OPERATION;
    count(DOWNLOAD_OPERATION);
    const fault = faults.pick(DOWNLOAD_OPERATION);
    if (fault) entry.fault = fault.kind;
    if (fault && fault.kind !== 'drop') {
      const handled = await applyFault(fault, request, (status, message, headers) =>
        sendJson(response, status, { message }, headers),
      );
      if (handled) return;
    }

    response.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${download.reportId}.csv"`,
    });
    const csv = builderCsvStream(download.rows);
    if (fault?.kind === 'drop') {
      // A download cut off part-way: the first chunk arrives, then the connection closes.
      csv.once('data', (chunk) => {
        csv.destroy();
        response.write(chunk, () => request.socket.destroy());
      });
      return;
    }
    await pipeline(csv, response).catch(() => {
      // The client closed the connection mid-download, so no response is left to send.
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  Object.assign(simulator, { port, url: `http://127.0.0.1:${port}${API_BASE_PATH}` });
  return simulator;
}

const STATUS_TEXT: Record<string, string> = {
  '500': 'internal server error',
  '502': 'bad gateway',
  '503': 'service unavailable',
};

function tokenTable(tokens: SimulatorOptions['tokens']): Map<string, TokenKind> {
  const table = new Map<string, TokenKind>();
  for (const kind of ['user', 'system', 'network'] as const) {
    for (const token of tokens?.[kind] ?? [DEFAULT_TOKENS[kind]]) table.set(token, kind);
  }
  return table;
}

function originOf(server: ReturnType<typeof createServer>): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A token bucket over API requests that rejects instead of waiting, as a rate-limited server does. */
class ServerRateLimit {
  private tokens: number;
  private readonly burst: number;
  private updatedMs: number;

  constructor(
    private readonly limit: { requestsPerSecond: number; burst?: number },
    private readonly now: () => number,
  ) {
    if (!(limit.requestsPerSecond > 0)) {
      throw new RangeError(
        `rateLimit.requestsPerSecond must be greater than 0, got ${limit.requestsPerSecond}`,
      );
    }
    this.burst = Math.max(1, limit.burst ?? Math.floor(limit.requestsPerSecond));
    this.tokens = this.burst;
    this.updatedMs = now();
  }

  /** Takes a token and returns undefined, or returns the whole seconds until one is free. */
  take(): number | undefined {
    const nowMs = this.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((nowMs - this.updatedMs) / 1000) * this.limit.requestsPerSecond,
    );
    this.updatedMs = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.limit.requestsPerSecond));
  }
}
