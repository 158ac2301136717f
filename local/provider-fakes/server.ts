import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from '../servers';
import { bamboohrFake } from './bamboohr';
import { finchFake } from './finch';
import { gustoFake } from './gusto';
import { hibobFake } from './hibob';
import { personioFake } from './personio';
import { ripplingFake } from './rippling';
import type { FakeResponse, ProviderFake } from './types';

/**
 * One HTTP server that fakes the person-lookup endpoints of the HRIS provider APIs, each under its own
 * route prefix (`/finch/...`, `/gusto/...`). Tests put people into an in-memory store per provider,
 * and every request must present that provider's configured credential.
 */

/** The route prefix of the administration endpoints, which need no credential. */
const ADMIN_PREFIX = '__admin';

/** The faked providers by route prefix; each name equals the config's provider kind. */
const FAKES: Record<string, ProviderFake> = {
  finch: finchFake,
  gusto: gustoFake,
  rippling: ripplingFake,
  bamboohr: bamboohrFake,
  hibob: hibobFake,
  personio: personioFake,
};

/** Request bodies above this size are refused; lookups send a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

export interface FakeRequestRecord {
  provider: string;
  method: string;
  path: string;
  status: number;
}

export interface ProviderFakes {
  /** Base URL of the server, for example `http://127.0.0.1:40123`. */
  url: string;
  /** The `apiBaseUrl` a source of this provider uses, for example `http://127.0.0.1:40123/gusto`. */
  baseUrlFor(provider: string): string;
  /** Stores (or replaces) a person as the provider's API returns them. */
  put(provider: string, personId: string, record: unknown): void;
  /** Removes a person, so that lookups return 404. */
  remove(provider: string, personId: string): void;
  /** Adds a credential the provider's fake accepts; sources of one provider may each have their own. */
  allowCredential(provider: string, credential: string): void;
  /** Fails the next `count` requests to the provider with `status`, before any other check. */
  failNext(provider: string, status: number, count?: number): void;
  /** The requests handled so far, oldest first. */
  requests(): FakeRequestRecord[];
  close(): Promise<void>;
}

/** Tells whether the server has a fake for the provider kind. */
export function hasProviderFake(provider: string): boolean {
  return Object.hasOwn(FAKES, provider);
}

export async function startProviderFakes(
  options: { port?: number; credentials?: Record<string, string> } = {},
): Promise<ProviderFakes> {
  const people = new Map<string, Map<string, unknown>>();
  const credentials = new Map<string, string[]>(
    Object.entries(options.credentials ?? {}).map(([provider, credential]) => [provider, [credential]]),
  );
  const failures = new Map<string, { status: number; remaining: number }>();
  const log: FakeRequestRecord[] = [];

  const answer = async (
    request: IncomingMessage,
  ): Promise<FakeResponse & { provider: string; path: string }> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const [, provider = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    if (provider === ADMIN_PREFIX) return { provider, path, ...(await administer(request, rest)) };
    const fake = hasProviderFake(provider) ? FAKES[provider] : undefined;
    if (!fake)
      return { provider, path, status: 404, body: { message: `no fake for provider "${provider}"` } };

    const failure = failures.get(provider);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      return { provider, path, status: failure.status, body: { message: 'injected failure' } };
    }
    const accepted = credentials.get(provider) ?? [];
    if (!accepted.some((credential) => fake.authorized(request.headers, credential))) {
      return { provider, path, status: 401, body: { message: 'missing or wrong credential' } };
    }
    const body = await readJson(request);
    if (body === INVALID) return { provider, path, status: 400, body: { message: 'body is not JSON' } };
    const store = people.get(provider);
    const response = fake.handle(
      { method: request.method ?? 'GET', path, query: url.searchParams, headers: request.headers, body },
      { get: (personId) => store?.get(personId) },
    );
    return { provider, path, ...response };
  };

  /**
   * `PUT /__admin/people/{provider}/{personId}` with the provider's record as the JSON body stores a
   * person, and `DELETE` on the same path removes one, so a running `npm start` can be seeded over HTTP.
   */
  const administer = async (request: IncomingMessage, parts: string[]): Promise<FakeResponse> => {
    const [resource, provider = '', personId = ''] = parts.map(decodeURIComponent);
    if (resource !== 'people' || !hasProviderFake(provider) || !personId || parts.length !== 3) {
      return { status: 404, body: { message: 'use /__admin/people/{provider}/{personId}' } };
    }
    if (request.method === 'DELETE') {
      people.get(provider)?.delete(personId);
      return { status: 204, body: undefined };
    }
    if (request.method !== 'PUT') return { status: 405, body: { message: 'use PUT or DELETE' } };
    const record = await readJson(request);
    if (record === INVALID || record === undefined) {
      return { status: 400, body: { message: "the body must be the provider's JSON record of the person" } };
    }
    const store = people.get(provider) ?? new Map<string, unknown>();
    store.set(personId, record);
    people.set(provider, store);
    return { status: 204, body: undefined };
  };

  const server = createServer((request, response) => {
    answer(request)
      .catch((error: unknown) => ({
        provider: '',
        path: request.url ?? '',
        status: 500,
        body: { message: (error as Error).message },
      }))
      .then((result) => {
        log.push({
          provider: result.provider,
          method: request.method ?? '',
          path: result.path,
          status: result.status,
        });
        send(response, result.status, result.body);
      });
  });
  const url = await listen(server, options.port ?? 0);

  return {
    url,
    baseUrlFor: (provider) => `${url}/${provider}`,
    put(provider, personId, record) {
      const store = people.get(provider) ?? new Map<string, unknown>();
      store.set(personId, structuredClone(record));
      people.set(provider, store);
    },
    remove(provider, personId) {
      people.get(provider)?.delete(personId);
    },
    allowCredential(provider, credential) {
      credentials.set(provider, [...(credentials.get(provider) ?? []), credential]);
    },
    failNext(provider, status, count = 1) {
      failures.set(provider, { status, remaining: count });
    },
    requests: () => [...log],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const INVALID = Symbol('invalid JSON');

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return INVALID;
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return INVALID;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body === undefined ? '' : JSON.stringify(body));
}

async function listen(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK, resolve);
  });
  return `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
}
