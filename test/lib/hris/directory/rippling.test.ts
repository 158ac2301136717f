import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRequestError } from '../../../../lib/hris/directory/errors';
import { ripplingDirectory } from '../../../../lib/hris/directory/rippling';
import type { ProviderDirectory } from '../../../../lib/hris/directory/types';
import { type ProviderFakes, startProviderFakes } from '../../../../local/provider-fakes/server';

const TOKEN = 'rippling-api-token';
const TODAY = new Date('2026-01-10T12:00:00Z');

let fakes: ProviderFakes;
let directory: ProviderDirectory;

function worker(extra: Record<string, unknown> = {}) {
  return {
    id: 'worker-1',
    work_email: 'Noah.Whitfield@District.Example.org',
    status: 'ACTIVE',
    title: 'Principal',
    start_date: '2019-08-01',
    end_date: null,
    user: { name: { given_name: 'Noah', family_name: 'Whitfield', preferred_given_name: null } },
    department: { name: 'Administration' },
    location: { name: 'Maple Elementary' },
    employment_type: { name: 'Salaried' },
    ...extra,
  };
}

beforeAll(async () => {
  fakes = await startProviderFakes({ credentials: { rippling: TOKEN } });
  directory = ripplingDirectory.create({
    baseUrl: fakes.baseUrlFor('rippling'),
    credential: TOKEN,
    now: () => TODAY,
  });
});

afterAll(async () => {
  await fakes?.close();
});

async function personOf(record: Record<string, unknown>) {
  fakes.put('rippling', 'worker-1', record);
  const result = await directory.fetchPerson('worker-1');
  if (!('person' in result)) throw new Error('expected a person');
  return result.person;
}

describe('ripplingDirectory', () => {
  it('maps the worker to a roster person', async () => {
    expect(await personOf(worker())).toEqual({
      email: 'noah.whitfield@district.example.org',
      firstName: 'Noah',
      lastName: 'Whitfield',
      jobTitle: 'Principal',
      department: 'Administration',
      school: 'Maple Elementary',
      location: 'Maple Elementary',
      employeeType: 'Salaried',
      status: 'active',
      startDate: '2019-08-01',
    });
  });

  it('reads TERMINATED as a leaver with the end date', async () => {
    const person = await personOf(worker({ status: 'TERMINATED', end_date: '2026-01-09' }));
    expect([person.status, person.terminationDate]).toEqual(['inactive', '2026-01-09']);
  });

  it('reads HIRED as pending', async () => {
    expect((await personOf(worker({ status: 'HIRED' }))).status).toBe('pending');
  });

  it('fails permanently on 404, naming the URL', async () => {
    const failure = await directory.fetchPerson('worker-unknown').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
    expect((failure as DirectoryRequestError).message).toContain(
      `GET ${fakes.baseUrlFor('rippling')}/workers/worker-unknown returned 404`,
    );
  });

  it('fails permanently when Rippling refuses the token', async () => {
    const refused = ripplingDirectory.create({
      baseUrl: fakes.baseUrlFor('rippling'),
      credential: 'revoked',
    });
    const failure = await refused.fetchPerson('worker-1').catch((error: unknown) => error);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
  });

  it('fails retryably when Rippling answers 502', async () => {
    fakes.failNext('rippling', 502);
    const failure = await directory.fetchPerson('worker-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(true);
  });
});
