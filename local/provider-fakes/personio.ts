import { hasBearer, notFound } from './auth';
import type { FakePeople, FakeRequest, FakeResponse, ProviderFake } from './types';

/**
 * Personio's `GET /v2/persons/{id}` and `GET /v2/persons/{id}/employments`, with a bearer access
 * token. The credential is that token: the fake has no `/v2/auth/token` exchange, so a local source
 * stores a token rather than client credentials. A person is put as
 * `{ "person": {...}, "employments": [...] }`.
 */
function handle(request: FakeRequest, people: FakePeople): FakeResponse {
  const match = /^\/v2\/persons\/([^/]+)(\/employments)?$/.exec(request.path);
  if (request.method !== 'GET' || !match) return notFound(`route ${request.method} ${request.path}`);
  const record = people.get(decodeURIComponent(match[1] ?? '')) as
    | { person?: unknown; employments?: unknown[] }
    | undefined;
  if (record === undefined) return notFound('person');
  if (match[2]) return { status: 200, body: { _data: record.employments ?? [] } };
  return { status: 200, body: record.person ?? {} };
}

export const personioFake: ProviderFake = { authorized: hasBearer, handle };
