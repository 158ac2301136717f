import type { IncomingMessage, ServerResponse } from 'node:http';
import Ajv2020 from 'ajv/dist/2020';
import { FAULT_KINDS, type FaultInjector, type FaultKind, type FaultOptions } from './faults';
import { SimulatorHttpError } from './handlers';
import { sendJson } from './http';
import type { TalentSimulator } from './server';
import type { SimulatorState } from './state';

interface AdminContext {
  simulator: TalentSimulator;
  state: SimulatorState;
  faults: FaultInjector;
  readBody: (request: IncomingMessage) => Promise<Buffer>;
}

/** The body of `POST /__admin/faults`: fault settings, plus faults for the next requests. */
interface FaultsBody extends FaultOptions {
  failNext?: { count: number; kind: FaultKind; operationId?: string }[];
}

const ajv = new Ajv2020({ allErrors: false });
const validateFaultsBody = ajv.compile<FaultsBody>({
  type: 'object',
  additionalProperties: false,
  properties: {
    rate: { type: 'number', minimum: 0, maximum: 1 },
    kinds: { type: 'array', items: { enum: [...FAULT_KINDS] } },
    retryAfterSeconds: { type: 'number', minimum: 0 },
    slowMs: { type: 'number', minimum: 0 },
    operations: { type: 'array', items: { type: 'string' } },
    seed: { type: 'integer' },
    failNext: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['count', 'kind'],
        properties: {
          count: { type: 'integer', minimum: 1 },
          kind: { enum: [...FAULT_KINDS] },
          operationId: { type: 'string' },
        },
      },
    },
  },
});

/**
 * Serves `/__admin`, which lets another process drive the simulator without a bearer token:
 * `GET /__admin/state`, `POST /__admin/reset` and `POST /__admin/faults`. It listens on 127.0.0.1
 * only, like the API.
 */
export async function handleAdmin(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: AdminContext,
): Promise<void> {
  const raw = await context.readBody(request);
  const route = `${request.method} ${url.pathname}`;

  switch (route) {
    case 'GET /__admin/state':
      return sendJson(response, 200, {
        users: context.simulator.users(),
        groups: context.simulator.groups(),
        reports: [...context.state.reports.values()].map((report) => ({
          reportId: report.reportId,
          report: report.request.report,
          outcome: report.outcome,
          createdAt: new Date(report.createdAt).toISOString(),
        })),
        faults: context.faults.current(),
        counts: context.simulator.counts(),
        requestLog: context.simulator.requestLog(),
      });
    case 'POST /__admin/reset':
      context.simulator.reset();
      return sendJson(response, 200, { message: 'simulator reset to its seeded state' });
    case 'POST /__admin/faults': {
      const body = parseFaultsBody(raw);
      const { failNext = [], ...settings } = body;
      context.simulator.setFaults(settings);
      for (const entry of failNext) context.simulator.failNext(entry.count, entry.kind, entry.operationId);
      return sendJson(response, 200, { faults: context.faults.current() });
    }
    default: {
      const known = ['/__admin/state', '/__admin/reset', '/__admin/faults'];
      if (known.includes(url.pathname)) {
        const allowed = url.pathname === '/__admin/state' ? 'GET' : 'POST';
        return sendJson(
          response,
          405,
          { message: `${url.pathname} accepts only ${allowed}` },
          { Allow: allowed },
        );
      }
      return sendJson(response, 404, {
        message: `unknown admin path ${url.pathname}; known: ${known.join(', ')}`,
      });
    }
  }
}

function parseFaultsBody(raw: Buffer): FaultsBody {
  let body: unknown = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new SimulatorHttpError(400, `body is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!validateFaultsBody(body)) {
    const [error] = validateFaultsBody.errors ?? [];
    const where = error?.instancePath
      ? `body field '${error.instancePath.slice(1).replaceAll('/', '.')}'`
      : 'body';
    const extra = (error?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    throw new SimulatorHttpError(
      400,
      extra ? `${where} has the unknown field '${extra}'` : `${where} ${error?.message ?? 'is invalid'}`,
    );
  }
  return body;
}
