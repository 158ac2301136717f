import type { IncomingHttpHeaders } from 'node:http';
import { notFound, safeEqual } from './auth';
import type { FakePeople, FakeRequest, FakeResponse, ProviderFake } from './types';

/**
 * Bob's `GET /v1/people/{id}`, with HTTP basic auth as a service user. The credential is the secret
 * value `<service user id>:<token>`; a person is put as the employee object Bob returns.
 */
function handle(request: FakeRequest, people: FakePeople): FakeResponse {
  const id = /^\/v1\/people\/([^/]+)$/.exec(request.path)?.[1];
  if (request.method !== 'GET' || id === undefined)
    return notFound(`route ${request.method} ${request.path}`);
  const employee = people.get(decodeURIComponent(id));
  return employee === undefined ? notFound('employee') : { status: 200, body: employee };
}

function authorized(headers: IncomingHttpHeaders, credential: string): boolean {
  const encoded = /^Basic (.+)$/.exec(headers.authorization ?? '')?.[1];
  return encoded !== undefined && safeEqual(Buffer.from(encoded, 'base64').toString('utf8'), credential);
}

export const hibobFake: ProviderFake = { authorized, handle };
