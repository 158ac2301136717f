import { hasBearer, notFound } from './auth';
import type { FakePeople, FakeRequest, FakeResponse, ProviderFake } from './types';

/**
 * Finch's batch reads: `POST /employer/individual` and `POST /employer/employment` take
 * `{"requests":[{"individual_id": ...}]}` and return one `responses` entry per id, each with its own
 * `code`. A person is put as `{ "individual": {...}, "employment": {...} }`.
 */
const PARTS: Record<string, 'individual' | 'employment'> = {
  '/employer/individual': 'individual',
  '/employer/employment': 'employment',
};

function handle(request: FakeRequest, people: FakePeople): FakeResponse {
  const part = PARTS[request.path];
  if (request.method !== 'POST' || !part) return notFound(`route ${request.method} ${request.path}`);
  const requests = (request.body as { requests?: { individual_id?: string }[] } | undefined)?.requests;
  if (!Array.isArray(requests)) {
    return { status: 400, body: { message: 'requests must be an array of {"individual_id"}' } };
  }
  const responses = requests.map(({ individual_id: id = '' }) => {
    const record = people.get(id) as Record<string, unknown> | undefined;
    const body = record?.[part];
    return body === undefined
      ? { individual_id: id, code: 404, body: { code: 404, message: 'individual not found' } }
      : { individual_id: id, code: 200, body };
  });
  return { status: 200, body: { responses } };
}

export const finchFake: ProviderFake = { authorized: hasBearer, handle };
