import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRequestError } from '../../../../lib/hris/directory/errors';
import { finchDirectory } from '../../../../lib/hris/directory/finch';
import type { ProviderDirectory } from '../../../../lib/hris/directory/types';
import { type ProviderFakes, startProviderFakes } from '../../../../local/provider-fakes/server';

const TOKEN = 'finch-access-token';
const TODAY = new Date('2026-01-10T12:00:00Z');

let fakes: ProviderFakes;
let directory: ProviderDirectory;

function finchRecord(employment: Record<string, unknown> = {}) {
  return {
    individual: {
      id: 'ind-1',
      first_name: 'Zoë',
      last_name: 'Ångström',
      preferred_name: 'Zo',
      emails: [
        { data: 'zoe@home.example', type: 'personal' },
        { data: 'Zoe.Angstrom@District.Example.org', type: 'work' },
      ],
    },
    employment: {
      id: 'ind-1',
      title: 'Teacher',
      department: { name: 'Science' },
      location: { name: 'Cedar Middle', city: 'Springfield' },
      employment: { type: 'employee', subtype: 'full_time' },
      is_active: true,
      employment_status: 'active',
      start_date: '2025-08-11',
      end_date: null,
      latest_rehire_date: null,
      ...employment,
    },
  };
}

beforeAll(async () => {
  fakes = await startProviderFakes({ credentials: { finch: TOKEN } });
  directory = finchDirectory.create({
    baseUrl: fakes.baseUrlFor('finch'),
    credential: TOKEN,
    now: () => TODAY,
  });
});

afterAll(async () => {
  await fakes?.close();
});

describe('finchDirectory', () => {
  it('maps the individual and employment to a roster person', async () => {
    fakes.put('finch', 'ind-1', finchRecord());
    expect(await directory.fetchPerson('ind-1')).toEqual({
      employeeId: 'ind-1',
      person: {
        email: 'zoe.angstrom@district.example.org',
        firstName: 'Zoë',
        lastName: 'Ångström',
        displayName: 'Zo Ångström',
        jobTitle: 'Teacher',
        department: 'Science',
        school: 'Cedar Middle',
        location: 'Cedar Middle',
        employeeType: 'full_time',
        status: 'active',
        startDate: '2025-08-11',
      },
    });
  });

  it('reads an inactive employment as a leaver with its end date', async () => {
    fakes.put(
      'finch',
      'ind-2',
      finchRecord({ is_active: false, employment_status: 'terminated', end_date: '2026-01-09' }),
    );
    const record = await directory.fetchPerson('ind-2');
    expect('person' in record && [record.person.status, record.person.terminationDate]).toEqual([
      'inactive',
      '2026-01-09',
    ]);
  });

  it('takes a rehire date as the start date', async () => {
    fakes.put('finch', 'ind-3', finchRecord({ latest_rehire_date: '2026-01-05' }));
    const record = await directory.fetchPerson('ind-3');
    expect('person' in record && record.person.startDate).toBe('2026-01-05');
  });

  it('reads a start date after today as pending', async () => {
    fakes.put('finch', 'ind-4', finchRecord({ start_date: '2026-02-01' }));
    const record = await directory.fetchPerson('ind-4');
    expect('person' in record && record.person.status).toBe('pending');
  });

  it('reads a leave status as leave', async () => {
    fakes.put('finch', 'ind-5', finchRecord({ employment_status: 'leave' }));
    const record = await directory.fetchPerson('ind-5');
    expect('person' in record && record.person.status).toBe('leave');
  });

  it('fails permanently on 404, naming the URL', async () => {
    const failure = await directory.fetchPerson('ind-unknown').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryRequestError);
    expect((failure as DirectoryRequestError).retryable).toBe(false);
    expect((failure as DirectoryRequestError).message).toContain(
      `POST ${fakes.baseUrlFor('finch')}/employer/individual returned 404`,
    );
  });

  it('fails permanently when Finch refuses the token', async () => {
    const refused = finchDirectory.create({ baseUrl: fakes.baseUrlFor('finch'), credential: 'wrong' });
    const failure = await refused.fetchPerson('ind-1').catch((error: unknown) => error);
    expect([failure instanceof DirectoryRequestError, (failure as DirectoryRequestError).retryable]).toEqual([
      true,
      false,
    ]);
  });

  it('fails retryably when Finch answers 503', async () => {
    fakes.put('finch', 'ind-1', finchRecord());
    fakes.failNext('finch', 503);
    const failure = await directory.fetchPerson('ind-1').catch((error: unknown) => error);
    expect((failure as DirectoryRequestError).retryable).toBe(true);
  });
});
