import type { IncomingHttpHeaders } from 'node:http';

/** A request to one provider's fake API, with the provider prefix removed from the path. */
export interface FakeRequest {
  method: string;
  /** For example `/v1/employees/abc` for `/gusto/v1/employees/abc`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there is none. */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  body?: unknown;
}

/** The people a test put into one provider's fake, as that provider's API returns them. */
export interface FakePeople {
  get(personId: string): unknown;
}

/** One provider's fake API: its credential check and its person-lookup routes. */
export interface ProviderFake {
  /** Tells whether the request presents `credential` the way the provider's API expects it. */
  authorized(headers: IncomingHttpHeaders, credential: string): boolean;
  /** Handles a request; unknown routes get 404 with a message naming the route. */
  handle(request: FakeRequest, people: FakePeople): FakeResponse;
}
