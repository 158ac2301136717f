import type { IncomingHttpHeaders } from 'node:http';
import { notFound, safeEqual } from './auth';
import type { FakePeople, FakeRequest, FakeResponse, ProviderFake } from './types';

/**
 * BambooHR's `GET /{companyDomain}/v1/employees/{id}?fields=...`, with HTTP basic auth and the API key
 * as the user name. A person is put as the employee object; the response contains only the requested
 * fields, as BambooHR's does.
 */
function handle(request: FakeRequest, people: FakePeople): FakeResponse {
  const id = /^\/[^/]+\/v1\/employees\/([^/]+)$/.exec(request.path)?.[1];
  if (request.method !== 'GET' || id === undefined)
    return notFound(`route ${request.method} ${request.path}`);
  const employee = people.get(decodeURIComponent(id)) as Record<string, unknown> | undefined;
  if (employee === undefined) return notFound('employee');

  const fields = (request.query.get('fields') ?? '').split(',').filter(Boolean);
  const body: Record<string, unknown> = { id: decodeURIComponent(id) };
  for (const field of fields) body[field] = employee[field] ?? null;
  return { status: 200, body };
}

function authorized(headers: IncomingHttpHeaders, apiKey: string): boolean {
  const encoded = /^Basic (.+)$/.exec(headers.authorization ?? '')?.[1];
  if (!encoded) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const user = decoded.slice(0, Math.max(decoded.indexOf(':'), 0));
  return safeEqual(user, apiKey);
}

export const bamboohrFake: ProviderFake = { authorized, handle };
