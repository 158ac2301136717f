import { hasBearer, notFound } from './auth';
import type { FakePeople, FakeRequest, FakeResponse, ProviderFake } from './types';

/** Rippling's `GET /workers/{id}`; a person is put as the worker object, with `user` expanded. */
function handle(request: FakeRequest, people: FakePeople): FakeResponse {
  const id = /^\/workers\/([^/]+)$/.exec(request.path)?.[1];
  if (request.method !== 'GET' || id === undefined)
    return notFound(`route ${request.method} ${request.path}`);
  const worker = people.get(decodeURIComponent(id));
  return worker === undefined ? notFound('worker') : { status: 200, body: worker };
}

export const ripplingFake: ProviderFake = { authorized: hasBearer, handle };
