import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRequestError } from '../../../../lib/hris/directory/errors';
import {
  type PersonioEmployment,
  type PersonioPerson,
  personioDirectory,
  personioPerson,
} from '../../../../lib/hris/directory/personio';
import { type ProviderFakes, startProviderFakes } from '../../../../local/provider-fakes/server';

const TODAY = '2026-01-15';

const PERSON: PersonioPerson = {
  first_name: 'Amara',
  last_name: 'Okafor',
  preferred_name: undefined,
  email: 'amara@district.example.org',
};

const ACTIVE: PersonioEmployment = {
  status: 'ACTIVE',
  type: 'INTERNAL',
  position: { title: 'Teacher' },
  office: { name: 'Maple Elementary', type: undefined },
  org_units: [
    { name: 'Grade 4', type: 'team' },
    { name: 'Languages', type: 'department' },
  ],
  employment_start_date: '2025-08-11',
  termination_date: undefined,
  termination: { termination_date: undefined },
};

describe('personioPerson', () => {
  it('maps an active employment', () => {
    expect(personioPerson(PERSON, [ACTIVE], TODAY)).toEqual({
      email: 'amara@district.example.org',
      firstName: 'Amara',
      lastName: 'Okafor',
      jobTitle: 'Teacher',
      department: 'Languages',
      school: 'Maple Elementary',
      location: 'Maple Elementary',
      employeeType: 'INTERNAL',
      status: 'active',
      startDate: '2025-08-11',
    });
  });

  it.each([
    ['ONBOARDING', 'pending'],
    ['LEAVE', 'leave'],
    ['INACTIVE', 'inactive'],
  ] as const)('maps employment status %s to %s', (status, expected) => {
    expect(personioPerson(PERSON, [{ ...ACTIVE, status }], TODAY).status).toBe(expected);
  });

  it('maps an active employment that starts after today to pending', () => {
    expect(personioPerson(PERSON, [{ ...ACTIVE, employment_start_date: '2026-02-01' }], TODAY).status).toBe(
      'pending',
    );
  });

  it('maps a person without an employment to inactive', () => {
    expect(personioPerson(PERSON, [], TODAY).status).toBe('inactive');
  });

  it('prefers the current employment over a later ended one', () => {
    const ended = {
      ...ACTIVE,
      status: 'INACTIVE',
      employment_start_date: '2025-09-01',
      office: { name: 'Birch High', type: undefined },
    };
    expect(personioPerson(PERSON, [ACTIVE, ended], TODAY).school).toBe('Maple Elementary');
  });

  it('reads the termination date of an ended employment', () => {
    const ended = { ...ACTIVE, status: 'INACTIVE', termination: { termination_date: '2026-01-10' } };
    expect(personioPerson(PERSON, [ended], TODAY).terminationDate).toBe('2026-01-10');
  });
});

describe('personioDirectory.fetchPerson with a stored access token', () => {
  let fakes: ProviderFakes;

  beforeAll(async () => {
    fakes = await startProviderFakes({ credentials: { personio: 'access-token-1' } });
  });

  afterAll(async () => {
    await fakes.close();
  });

  function directory(credential = 'access-token-1') {
    return personioDirectory.create({
      baseUrl: fakes.baseUrlFor('personio'),
      credential,
      now: () => new Date(`${TODAY}T12:00:00Z`),
    });
  }

  it('reads the person and their employments', async () => {
    fakes.put('personio', '4711', { person: { id: '4711', ...PERSON }, employments: [ACTIVE] });
    expect(await directory().fetchPerson('4711')).toMatchObject({
      employeeId: '4711',
      person: { email: 'amara@district.example.org', school: 'Maple Elementary', status: 'active' },
    });
  });

  it('fails permanently on 404, naming the URL', async () => {
    const failure = await directory()
      .fetchPerson('1')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
    expect((failure as DirectoryRequestError).message).toContain(
      `GET ${fakes.baseUrlFor('personio')}/v2/persons/1 returned 404`,
    );
  });

  it('fails permanently with a wrong token', async () => {
    const error = await directory('wrong')
      .fetchPerson('4711')
      .catch((caught) => caught);
    expect((error as DirectoryRequestError).retryable).toBe(false);
  });
});

describe('personioDirectory.fetchPerson with client credentials', () => {
  let server: Server;
  let baseUrl: string;
  const tokenRequests: string[] = [];
  let validToken = 'issued-1';

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        if (request.url === '/v2/auth/token' && request.method === 'POST') {
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          tokenRequests.push(
            `${form.get('grant_type')} ${form.get('client_id')} ${form.get('client_secret')}`,
          );
          response.end(JSON.stringify({ access_token: validToken, expires_in: 86_400 }));
          return;
        }
        if (request.headers.authorization !== `Bearer ${validToken}`) {
          response.statusCode = 401;
          response.end('{}');
          return;
        }
        response.end(
          request.url?.endsWith('/employments')
            ? JSON.stringify({ _data: [ACTIVE] })
            : JSON.stringify(PERSON),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function directory() {
    return personioDirectory.create({
      baseUrl,
      credential: '{"clientId":"client-1","clientSecret":"secret-1"}',
      now: () => new Date(`${TODAY}T12:00:00Z`),
    });
  }

  it('exchanges the client credentials once and reuses the token', async () => {
    await directory().fetchPerson('4711');
    await directory().fetchPerson('4712');
    expect(tokenRequests).toEqual(['client_credentials client-1 secret-1']);
  });

  it('retries with a new token after a 401', async () => {
    validToken = 'issued-2';
    const error = await directory()
      .fetchPerson('4711')
      .catch((caught) => caught);
    expect((error as DirectoryRequestError).retryable).toBe(true);
    expect((await directory().fetchPerson('4711')) as object).toHaveProperty('person');
    expect(tokenRequests).toHaveLength(2);
  });

  it('rejects a credential object without clientSecret', async () => {
    const broken = personioDirectory.create({ baseUrl, credential: '{"clientId":"client-1"}' });
    const error = await broken.fetchPerson('4711').catch((caught) => caught);
    expect(error).toBeInstanceOf(DirectoryRequestError);
    expect((error as DirectoryRequestError).retryable).toBe(false);
  });
});
