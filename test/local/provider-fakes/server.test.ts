import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProviderFakes, startProviderFakes } from '../../../local/provider-fakes/server';

let fakes: ProviderFakes;

beforeAll(async () => {
  fakes = await startProviderFakes({ credentials: { gusto: 'gusto-token' } });
});

afterAll(async () => {
  await fakes?.close();
});

function getEmployee(uuid: string, token = 'gusto-token') {
  return fetch(`${fakes.baseUrlFor('gusto')}/v1/employees/${uuid}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

describe('startProviderFakes', () => {
  it('returns a person put into the store', async () => {
    fakes.put('gusto', 'e-1', { uuid: 'e-1', first_name: 'Zoë' });
    const response = await getEmployee('e-1');
    expect(await response.json()).toEqual({ uuid: 'e-1', first_name: 'Zoë' });
  });

  it('answers 404 for a removed person', async () => {
    fakes.put('gusto', 'e-2', { uuid: 'e-2' });
    fakes.remove('gusto', 'e-2');
    expect((await getEmployee('e-2')).status).toBe(404);
  });

  it('answers 401 for a wrong credential', async () => {
    fakes.put('gusto', 'e-3', { uuid: 'e-3' });
    expect((await getEmployee('e-3', 'other-token')).status).toBe(401);
  });

  it('answers an injected failure once', async () => {
    fakes.put('gusto', 'e-4', { uuid: 'e-4' });
    fakes.failNext('gusto', 503);
    const statuses = [(await getEmployee('e-4')).status, (await getEmployee('e-4')).status];
    expect(statuses).toEqual([503, 200]);
  });

  it('answers 404 for a provider without a fake', async () => {
    const response = await fetch(`${fakes.url}/nobody/v1/employees/e-1`);
    expect(response.status).toBe(404);
  });

  it('answers Finch batch reads with a code per individual', async () => {
    fakes.allowCredential('finch', 'finch-token');
    fakes.put('finch', 'i-1', { individual: { id: 'i-1' }, employment: { id: 'i-1', is_active: true } });
    const response = await fetch(`${fakes.baseUrlFor('finch')}/employer/employment`, {
      method: 'POST',
      headers: { authorization: 'Bearer finch-token', 'content-type': 'application/json' },
      body: JSON.stringify({ requests: [{ individual_id: 'i-1' }, { individual_id: 'i-9' }] }),
    });
    const { responses } = (await response.json()) as { responses: { code: number }[] };
    expect(responses.map((entry) => entry.code)).toEqual([200, 404]);
  });
});

describe('provider fakes administration over HTTP', () => {
  function admin(method: string, path: string, body?: string) {
    return fetch(`${fakes.url}/__admin/people/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body }),
    });
  }

  it('stores a person sent with PUT', async () => {
    expect(
      (await admin('PUT', 'gusto/e-10', JSON.stringify({ uuid: 'e-10', first_name: 'Ava' }))).status,
    ).toBe(204);
    expect(await (await getEmployee('e-10')).json()).toEqual({ uuid: 'e-10', first_name: 'Ava' });
  });

  it('removes a person with DELETE', async () => {
    await admin('PUT', 'gusto/e-11', JSON.stringify({ uuid: 'e-11' }));
    expect((await admin('DELETE', 'gusto/e-11')).status).toBe(204);
    expect((await getEmployee('e-11')).status).toBe(404);
  });

  it('rejects a body that is not JSON', async () => {
    expect((await admin('PUT', 'gusto/e-12', '{"uuid":')).status).toBe(400);
  });

  it('rejects an unknown provider', async () => {
    expect((await admin('PUT', 'workday/e-13', '{}')).status).toBe(404);
  });
});
