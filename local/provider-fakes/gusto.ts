import { hasBearer, notFound } from './auth';
import type { FakePeople, FakeRequest, FakeResponse, ProviderFake } from './types';

/** Gusto's `GET /v1/employees/{uuid}`; a person is put as the employee object Gusto returns. */
function handle(request: FakeRequest, people: FakePeople): FakeResponse {
  const uuid = /^\/v1\/employees\/([^/]+)$/.exec(request.path)?.[1];
  if (request.method !== 'GET' || uuid === undefined)
    return notFound(`route ${request.method} ${request.path}`);
  const employee = people.get(decodeURIComponent(uuid));
  return employee === undefined ? notFound('employee') : { status: 200, body: employee };
}

export const gustoFake: ProviderFake = { authorized: hasBearer, handle };
