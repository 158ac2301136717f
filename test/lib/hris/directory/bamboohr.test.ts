import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../../lib/config/schema';
import {
  type BambooHrEmployee,
  bambooHrPerson,
  bamboohrDirectory,
} from '../../../../lib/hris/directory/bamboohr';
import { DirectoryRequestError } from '../../../../lib/hris/directory/errors';
import { type ProviderFakes, startProviderFakes } from '../../../../local/provider-fakes/server';

const TODAY = '2026-01-15';

const ACTIVE: BambooHrEmployee = {
  firstName: 'Zoë',
  lastName: 'Ångström',
  preferredName: undefined,
  displayName: undefined,
  workEmail: 'zoe@district.example.org',
  jobTitle: 'Teacher',
  department: 'Science',
  division: 'Secondary',
  location: 'Maple Elementary',
  status: 'Active',
  employmentHistoryStatus: 'Full-Time',
  hireDate: '2025-08-11',
  terminationDate: undefined,
};

const SOURCE = {
  name: 'bamboo',
  provider: 'bamboohr',
  signingSecretName: 'talent-sync/bamboohr-private-key',
  apiSecretName: 'talent-sync/bamboohr-api-key',
  companyDomain: 'maple-district',
  toleranceSeconds: 300,
} satisfies SourceConfig;

describe('bambooHrPerson', () => {
  it('maps an active employee', () => {
    expect(bambooHrPerson(ACTIVE, TODAY)).toEqual({
      email: 'zoe@district.example.org',
      firstName: 'Zoë',
      lastName: 'Ångström',
      jobTitle: 'Teacher',
      department: 'Science',
      school: 'Maple Elementary',
      location: 'Maple Elementary',
      employeeType: 'Full-Time',
      status: 'active',
      startDate: '2025-08-11',
    });
  });

  it('maps status Inactive to inactive with the termination date', () => {
    const person = bambooHrPerson({ ...ACTIVE, status: 'Inactive', terminationDate: '2026-01-10' }, TODAY);
    expect([person.status, person.terminationDate]).toEqual(['inactive', '2026-01-10']);
  });

  it('maps employment status Terminated to inactive without an employee type', () => {
    const person = bambooHrPerson({ ...ACTIVE, employmentHistoryStatus: 'Terminated' }, TODAY);
    expect([person.status, person.employeeType]).toEqual(['inactive', undefined]);
  });

  it('maps a hire date after today to pending', () => {
    expect(bambooHrPerson({ ...ACTIVE, hireDate: '2026-02-01' }, TODAY).status).toBe('pending');
  });

  it('uses the division for a blank department', () => {
    expect(bambooHrPerson({ ...ACTIVE, department: undefined }, TODAY).department).toBe('Secondary');
  });

  it('builds the display name from the preferred name', () => {
    expect(bambooHrPerson({ ...ACTIVE, preferredName: 'Zo' }, TODAY).displayName).toBe('Zo Ångström');
  });
});

describe('bamboohrDirectory.fetchPerson', () => {
  let fakes: ProviderFakes;

  beforeAll(async () => {
    fakes = await startProviderFakes({ credentials: { bamboohr: 'api-key-0001' } });
  });

  afterAll(async () => {
    await fakes.close();
  });

  function directory(credential = 'api-key-0001', source: SourceConfig = SOURCE) {
    return bamboohrDirectory.create({
      baseUrl: fakes.baseUrlFor('bamboohr'),
      credential,
      source,
      now: () => new Date(`${TODAY}T12:00:00Z`),
    });
  }

  async function failure(promise: Promise<unknown>): Promise<DirectoryRequestError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    if (!(error instanceof DirectoryRequestError)) throw new Error('expected a DirectoryRequestError');
    return error;
  }

  it('reads the employee under the company domain', async () => {
    fakes.put('bamboohr', '41', { ...ACTIVE, hireDate: '2025-08-11', terminationDate: '0000-00-00' });
    const record = await directory().fetchPerson('41');
    expect(record).toMatchObject({
      employeeId: '41',
      person: { status: 'active', school: 'Maple Elementary' },
    });
    expect(fakes.requests().at(-1)?.path).toBe('/maple-district/v1/employees/41');
  });

  it('fails permanently on 404, naming the URL', async () => {
    const failure = await directory()
      .fetchPerson('404')
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
    expect((failure as DirectoryRequestError).message).toContain(
      `GET ${fakes.baseUrlFor('bamboohr')}/maple-district/v1/employees/404 returned 404`,
    );
  });

  it('fails permanently with a wrong API key', async () => {
    const error = await failure(directory('wrong-key').fetchPerson('41'));
    expect([error.retryable, error.statusCode]).toEqual([false, 401]);
  });

  it('fails retryably on a 503', async () => {
    fakes.failNext('bamboohr', 503);
    expect((await failure(directory().fetchPerson('41'))).retryable).toBe(true);
  });

  it('fails permanently without companyDomain', async () => {
    const { companyDomain: _omitted, ...withoutDomain } = SOURCE;
    const error = await failure(directory('api-key-0001', withoutDomain).fetchPerson('41'));
    expect([error.retryable, error.message]).toEqual([false, expect.stringContaining('companyDomain')]);
  });

  it('names an invalid field without its value', async () => {
    fakes.put('bamboohr', '42', { ...ACTIVE, workEmail: 'not-an-address' });
    const error = await failure(directory().fetchPerson('42'));
    expect(error.message).toContain('workEmail');
    expect(error.message).not.toContain('not-an-address');
  });
});
