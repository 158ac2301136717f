import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRequestError } from '../../../../lib/hris/directory/errors';
import {
  type HiBobEmployee,
  hiBobAuthorization,
  hiBobPerson,
  hibobDirectory,
} from '../../../../lib/hris/directory/hibob';
import { type ProviderFakes, startProviderFakes } from '../../../../local/provider-fakes/server';

const TODAY = '2026-01-15';

const EMPLOYED: HiBobEmployee = {
  firstName: 'Mateo',
  surname: 'Núñez',
  displayName: 'Mateo Núñez',
  email: 'mateo@district.example.org',
  work: { title: 'Teacher', department: 'Mathematics', site: 'Maple Elementary', startDate: '2025-08-11' },
  internal: { status: 'Active', lifecycleStatus: 'employed', terminationDate: undefined },
  humanReadable: { work: { title: undefined, department: undefined, site: undefined, startDate: undefined } },
};

function withInternal(internal: Partial<HiBobEmployee['internal']>): HiBobEmployee {
  return { ...EMPLOYED, internal: { ...EMPLOYED.internal, ...internal } };
}

describe('hiBobPerson', () => {
  it('maps an employed employee', () => {
    expect(hiBobPerson(EMPLOYED, TODAY)).toEqual({
      email: 'mateo@district.example.org',
      firstName: 'Mateo',
      lastName: 'Núñez',
      displayName: 'Mateo Núñez',
      jobTitle: 'Teacher',
      department: 'Mathematics',
      school: 'Maple Elementary',
      location: 'Maple Elementary',
      status: 'active',
      startDate: '2025-08-11',
    });
  });

  it('prefers the human-readable site over a list item id', () => {
    const employee = {
      ...EMPLOYED,
      work: { ...EMPLOYED.work, site: '17' },
      humanReadable: { work: { ...EMPLOYED.humanReadable.work, site: 'Cedar Middle' } },
    };
    expect(hiBobPerson(employee, TODAY).school).toBe('Cedar Middle');
  });

  it('maps lifecycle terminated to inactive', () => {
    const person = hiBobPerson(
      withInternal({ lifecycleStatus: 'terminated', terminationDate: '2026-01-10' }),
      TODAY,
    );
    expect([person.status, person.terminationDate]).toEqual(['inactive', '2026-01-10']);
  });

  it('maps garden leave to leave, not a termination', () => {
    expect(
      hiBobPerson(withInternal({ status: 'Inactive', lifecycleStatus: 'Garden leave' }), TODAY).status,
    ).toBe('leave');
  });

  it('maps status Inactive without a lifecycle to inactive', () => {
    expect(hiBobPerson(withInternal({ status: 'Inactive', lifecycleStatus: undefined }), TODAY).status).toBe(
      'inactive',
    );
  });

  it('maps lifecycle hired to pending', () => {
    expect(hiBobPerson(withInternal({ lifecycleStatus: 'hired' }), TODAY).status).toBe('pending');
  });

  it('drops an old termination date after a rehire', () => {
    expect(
      hiBobPerson(withInternal({ terminationDate: '2025-06-30' }), TODAY).terminationDate,
    ).toBeUndefined();
  });

  it('maps a rehire with a future start date to pending', () => {
    const employee = { ...EMPLOYED, work: { ...EMPLOYED.work, startDate: '2026-03-01' } };
    expect(hiBobPerson(employee, TODAY).status).toBe('pending');
  });
});

describe('hiBobAuthorization', () => {
  const expected = `Basic ${Buffer.from('SERVICE-1:token-1').toString('base64')}`;

  it('reads id:token', () => {
    expect(hiBobAuthorization('SERVICE-1:token-1')).toBe(expected);
  });

  it('reads the JSON form', () => {
    expect(hiBobAuthorization('{"serviceUserId":"SERVICE-1","token":"token-1"}')).toBe(expected);
  });

  it('rejects a token without a user id', () => {
    expect(() => hiBobAuthorization('token-only-secret')).toThrow(DirectoryRequestError);
    expect(() => hiBobAuthorization('token-only-secret')).not.toThrow(/token-only-secret/);
  });
});

describe('hibobDirectory.fetchPerson', () => {
  let fakes: ProviderFakes;

  beforeAll(async () => {
    fakes = await startProviderFakes({ credentials: { hibob: 'SERVICE-1:token-1' } });
  });

  afterAll(async () => {
    await fakes.close();
  });

  function directory(credential = 'SERVICE-1:token-1') {
    return hibobDirectory.create({
      baseUrl: fakes.baseUrlFor('hibob'),
      credential,
      now: () => new Date(`${TODAY}T12:00:00Z`),
    });
  }

  it('reads the employee with the service user', async () => {
    fakes.put('hibob', '3332883854254932743', EMPLOYED);
    const record = await directory().fetchPerson('3332883854254932743');
    expect(record).toMatchObject({ person: { email: 'mateo@district.example.org', status: 'active' } });
  });

  it('fails permanently on 404, naming the URL', async () => {
    const failure = await directory()
      .fetchPerson('1')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
    expect((failure as DirectoryRequestError).message).toContain(
      `GET ${fakes.baseUrlFor('hibob')}/v1/people/1 returned 404`,
    );
  });

  it('fails permanently with a wrong token', async () => {
    const error = await directory('SERVICE-1:wrong')
      .fetchPerson('3332883854254932743')
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(DirectoryRequestError);
    expect((error as DirectoryRequestError).retryable).toBe(false);
  });
});
