import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRequestError } from '../../../../lib/hris/directory/errors';
import { gustoDirectory } from '../../../../lib/hris/directory/gusto';
import type { ProviderDirectory } from '../../../../lib/hris/directory/types';
import { type ProviderFakes, startProviderFakes } from '../../../../local/provider-fakes/server';

const TOKEN = 'gusto-access-token';
const TODAY = new Date('2026-01-10T12:00:00Z');

let fakes: ProviderFakes;
let directory: ProviderDirectory;

function employee(extra: Record<string, unknown> = {}) {
  return {
    uuid: 'emp-1',
    first_name: 'Rafael',
    last_name: 'Moreno',
    preferred_first_name: 'Rafa',
    email: 'rafa@home.example',
    work_email: 'Rafael.Moreno@District.Example.org',
    department: 'Mathematics',
    terminated: false,
    onboarded: true,
    current_employment_status: 'full_time',
    jobs: [
      { title: 'Aide', primary: false, hire_date: '2020-01-06', location: { city: 'Shelbyville' } },
      { title: 'Math Coach', primary: true, hire_date: '2025-08-11', location: { city: 'Springfield' } },
    ],
    terminations: [],
    ...extra,
  };
}

beforeAll(async () => {
  fakes = await startProviderFakes({ credentials: { gusto: TOKEN } });
  directory = gustoDirectory.create({
    baseUrl: fakes.baseUrlFor('gusto'),
    credential: TOKEN,
    now: () => TODAY,
  });
});

afterAll(async () => {
  await fakes?.close();
});

async function personOf(record: Record<string, unknown>) {
  fakes.put('gusto', 'emp-1', record);
  const result = await directory.fetchPerson('emp-1');
  if (!('person' in result)) throw new Error('expected a person');
  return result.person;
}

describe('gustoDirectory', () => {
  it('maps the employee and primary job to a roster person', async () => {
    expect(await personOf(employee())).toEqual({
      email: 'rafael.moreno@district.example.org',
      firstName: 'Rafael',
      lastName: 'Moreno',
      displayName: 'Rafa Moreno',
      jobTitle: 'Math Coach',
      department: 'Mathematics',
      location: 'Springfield',
      employeeType: 'full_time',
      status: 'active',
      startDate: '2025-08-11',
    });
  });

  it('reads a terminated employee as a leaver with the termination date', async () => {
    const person = await personOf(
      employee({ terminated: true, terminations: [{ active: true, effective_date: '2026-01-09' }] }),
    );
    expect([person.status, person.terminationDate]).toEqual(['inactive', '2026-01-09']);
  });

  it('keeps an employee with a future termination active', async () => {
    const person = await personOf(
      employee({ terminations: [{ active: true, effective_date: '2026-02-01' }] }),
    );
    expect(person.status).toBe('active');
  });

  it('reads an employee still onboarding as pending', async () => {
    expect((await personOf(employee({ onboarded: false }))).status).toBe('pending');
  });

  it('leaves out a missing work e-mail', async () => {
    expect((await personOf(employee({ work_email: null }))).email).toBeUndefined();
  });

  it('fails permanently on 404, naming the URL', async () => {
    const failure = await directory.fetchPerson('emp-unknown').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
    expect((failure as DirectoryRequestError).message).toContain(
      `GET ${fakes.baseUrlFor('gusto')}/v1/employees/emp-unknown returned 404`,
    );
  });

  it('fails permanently when Gusto refuses the token', async () => {
    const refused = gustoDirectory.create({ baseUrl: fakes.baseUrlFor('gusto'), credential: 'expired' });
    const failure = await refused.fetchPerson('emp-1').catch((error: unknown) => error);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
  });

  it('fails retryably when Gusto answers 429', async () => {
    fakes.failNext('gusto', 429);
    const failure = await directory.fetchPerson('emp-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(true);
  });
});
