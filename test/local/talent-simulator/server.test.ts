import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../../local/talent-simulator/server';
import { call } from './support';

let simulator: TalentSimulator;
let origin: string;

beforeAll(async () => {
  simulator = await startTalentSimulator({ validateResponses: true, seed: { groups: ['Lincoln'] } });
  origin = simulator.url.replace(/\/api\/v2$/, '');
});

afterEach(() => {
  expect(simulator.responseViolations()).toEqual([]);
  simulator.reset();
});

afterAll(async () => {
  await simulator.close();
});

const newUser = { email: 'ada@district.example.org', role: 'Teacher' };

describe('startTalentSimulator', () => {
  it('listens on 127.0.0.1 under /api/v2', () => {
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2$/);
  });

  it('reports the port it listens on', () => {
    expect(simulator.url).toContain(`:${simulator.port}/`);
  });
});

describe('authentication', () => {
  it('rejects a request without a token', async () => {
    const result = await call(simulator.url, 'GET', '/users?pageNumber=1&limit=10', { token: null });
    expect(result.status).toBe(401);
    expect(result.body.message).toMatch(/missing bearer token/);
    expect(result.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('rejects an unknown token', async () => {
    const result = await call(simulator.url, 'GET', '/users?pageNumber=1&limit=10', { token: 'wrong' });
    expect(result.status).toBe(401);
    expect(result.body.message).toMatch(/unknown bearer token/);
  });

  it('rejects a scheme other than Bearer', async () => {
    const result = await call(simulator.url, 'GET', '/users?pageNumber=1&limit=10', {
      token: null,
      headers: { Authorization: `Basic ${DEFAULT_TOKENS.system}` },
    });
    expect(result.status).toBe(401);
    expect(result.body.message).toMatch(/Bearer scheme/);
  });

  it('accepts the default network and user tokens for reads', async () => {
    for (const token of [DEFAULT_TOKENS.network, DEFAULT_TOKENS.user]) {
      const result = await call(simulator.url, 'GET', '/users?pageNumber=1&limit=10', { token });
      expect(result.status).toBe(200);
    }
  });

  it('forbids writes with a user token', async () => {
    const result = await call(simulator.url, 'POST', '/users', { token: DEFAULT_TOKENS.user, body: newUser });
    expect(result.status).toBe(403);
    expect(result.body.message).toMatch(/createUser needs a system or network token/);
  });

  it('accepts only the configured token of a kind', async () => {
    const custom = await startTalentSimulator({ tokens: { system: ['custom-token'] } });
    try {
      const accepted = await call(custom.url, 'GET', '/groups?pageNumber=1&limit=1', {
        token: 'custom-token',
      });
      const replaced = await call(custom.url, 'GET', '/groups?pageNumber=1&limit=1');
      const kept = await call(custom.url, 'GET', '/groups?pageNumber=1&limit=1', {
        token: DEFAULT_TOKENS.network,
      });
      expect(accepted.status).toBe(200);
      expect(replaced.status).toBe(401);
      expect(kept.status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});

describe('routing', () => {
  it('answers 404 for an unknown path', async () => {
    const result = await call(simulator.url, 'GET', '/nothing-here');
    expect(result.status).toBe(404);
    expect(result.body.message).toBe('unknown path: GET /api/v2/nothing-here');
  });

  it('answers 404 outside /api/v2', async () => {
    const result = await call(origin, 'GET', '/users?pageNumber=1&limit=1');
    expect(result.status).toBe(404);
    expect(result.body.message).toMatch(/served under \/api\/v2/);
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const result = await call(simulator.url, 'PATCH', '/users/ada%40district.example.org', {
      body: { name: 'A' },
    });
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET, PUT, DELETE');
  });

  it('prefers a literal path over a template', async () => {
    const result = await call(simulator.url, 'GET', '/users/bulk');
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('POST');
  });
});

describe('query validation', () => {
  it.each([
    ['a missing required parameter', '/users?limit=10', "query parameter 'pageNumber' is required"],
    [
      'a value below the minimum',
      '/users?pageNumber=0&limit=10',
      "query parameter 'pageNumber' must be at least 1",
    ],
    [
      'a value of the wrong type',
      '/users?pageNumber=1&limit=ten',
      "query parameter 'limit' must be an integer",
    ],
    [
      'an unknown parameter',
      '/users?pageNumber=1&limit=10&role=Admin',
      "query parameter 'role' is not allowed; allowed: pageNumber, limit",
    ],
    [
      'a repeated parameter',
      '/users?pageNumber=1&pageNumber=2&limit=10',
      "query parameter 'pageNumber' is given more than once",
    ],
    [
      'a value outside an enum',
      '/tags?pageNumber=1&limit=10&type=poem',
      "query parameter 'type' must be one of: content, observation, comment, rubric, focus",
    ],
    [
      'an invalid e-mail in the path',
      '/users/not-an-email',
      "path parameter 'email' must be a valid e-mail address",
    ],
  ])('rejects %s', async (_case, path, message) => {
    const result = await call(simulator.url, 'GET', path);
    expect(result.status).toBe(400);
    expect(result.body.message).toBe(message);
  });
});

describe('body validation', () => {
  it('names a missing required field', async () => {
    const result = await call(simulator.url, 'POST', '/users', { body: { email: newUser.email } });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe("body field 'role' is required");
  });

  it('names an unknown field', async () => {
    const result = await call(simulator.url, 'POST', '/users', {
      body: { ...newUser, suppressInvite: true },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(
      /^body field 'suppressInvite' is not allowed; allowed: .*suppress_invite/,
    );
  });

  it('names the allowed values of an enum', async () => {
    const result = await call(simulator.url, 'POST', '/users', { body: { ...newUser, role: 'Mentee' } });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe("body field 'role' must be one of: Teacher, Coach, Admin");
  });

  it('names a nested field by its path', async () => {
    const result = await call(simulator.url, 'POST', '/users/bulk', {
      body: { invites: [{ email: 'a@b.org' }, { name: 'No Mail' }], role: 'Teacher' },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe("body field 'invites[1].email' is required");
  });

  it('rejects a body that is not JSON', async () => {
    const result = await call(simulator.url, 'POST', '/users', {
      rawBody: '{"email":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/^body is not valid JSON/);
  });

  it('answers 415 for another content type', async () => {
    const result = await call(simulator.url, 'POST', '/users', {
      rawBody: JSON.stringify(newUser),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(result.status).toBe(415);
    expect(result.body.message).toBe('Content-Type must be application/json, got text/plain');
  });

  it('accepts a charset parameter on the content type', async () => {
    const result = await call(simulator.url, 'POST', '/users', {
      body: newUser,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(result.status).toBe(201);
  });

  it('rejects a missing required body', async () => {
    const result = await call(simulator.url, 'POST', '/groups');
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/^request body is required/);
  });

  it('rejects a body on an operation without one', async () => {
    const deleted = await call(simulator.url, 'DELETE', '/tags/tag_math', { body: { tag: 'x' } });
    expect(deleted.status).toBe(400);
    expect(deleted.body.message).toBe('DELETE /tags/{tagId} takes no request body');
  });

  it('rejects a body larger than 1 MiB', async () => {
    const result = await call(simulator.url, 'POST', '/groups', {
      body: { name: 'x'.repeat(1024 * 1024 + 1) },
    });
    expect(result.status).toBe(413);
  });

  it('rejects an empty update', async () => {
    const result = await call(simulator.url, 'PUT', '/users/ada%40district.example.org', { body: {} });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe('body must contain at least 1 field');
  });
});

describe('report request validation', () => {
  it('requires reportId for reportBuilder', async () => {
    const result = await call(simulator.url, 'POST', '/reports', { body: { report: 'reportBuilder' } });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/^body field 'reportId' is required \(a reportBuilder report takes/);
  });

  it('rejects email for reportBuilder', async () => {
    const result = await call(simulator.url, 'POST', '/reports', {
      body: { report: 'reportBuilder', reportId: 'saved-1', email: 'a@b.org' },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/^body field 'email' is not allowed/);
  });

  it('requires filterOptions for other types', async () => {
    const result = await call(simulator.url, 'POST', '/reports', {
      body: { report: 'goals', email: 'a@b.org' },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/^body field 'filterOptions' is required/);
  });

  it('rejects reportId for other types', async () => {
    const result = await call(simulator.url, 'POST', '/reports', {
      body: { report: 'goals', email: 'a@b.org', filterOptions: {}, reportId: 'saved-1' },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/^body field 'reportId' is not allowed/);
  });

  it('rejects both reportId and filterOptions for Report Builder data', async () => {
    const result = await call(simulator.url, 'POST', '/reports/reportBuilder/data', {
      body: { reportId: 'saved-1', filterOptions: {} },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(
      /must match exactly one allowed form: exactly one of reportId and filterOptions/,
    );
  });

  it('names pageSize when it is out of range', async () => {
    const result = await call(simulator.url, 'POST', '/reports/reportBuilder/data', {
      body: { reportId: 'saved-1', pageSize: 500 },
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe("body field 'pageSize' must be at most 100");
  });
});

describe('request log and counts', () => {
  it('records method, path, status and operation', async () => {
    await call(simulator.url, 'GET', '/users?pageNumber=1&limit=5');
    const [entry] = simulator.requestLog();
    expect(entry).toMatchObject({
      method: 'GET',
      path: '/api/v2/users',
      query: '?pageNumber=1&limit=5',
      status: 200,
      operationId: 'listUsers',
    });
  });

  it('keeps no token in the log', async () => {
    await call(simulator.url, 'GET', '/users?pageNumber=1&limit=5');
    expect(JSON.stringify(simulator.requestLog())).not.toContain(DEFAULT_TOKENS.system);
  });

  it('counts requests per operation, rejected ones included', async () => {
    await call(simulator.url, 'GET', '/groups?pageNumber=1&limit=5');
    await call(simulator.url, 'GET', '/groups?pageNumber=0&limit=5');
    await call(simulator.url, 'POST', '/groups', { body: { name: 'New' } });
    expect(simulator.counts()).toEqual({ listGroups: 2, createGroup: 1 });
  });
});

describe('admin endpoints', () => {
  it('returns the state without a token', async () => {
    await call(simulator.url, 'POST', '/users', { body: newUser });
    const result = await call(origin, 'GET', '/__admin/state', { token: null });
    expect(result.status).toBe(200);
    expect(result.body.users.map((user: { email: string }) => user.email)).toEqual([newUser.email]);
    expect(result.body.counts).toEqual({ createUser: 1 });
  });

  it('resets to the seeded state', async () => {
    await call(simulator.url, 'POST', '/groups', { body: { name: 'Temporary' } });
    const result = await call(origin, 'POST', '/__admin/reset', { token: null });
    expect(result.status).toBe(200);
    expect(simulator.groups().map((group) => group.name)).toEqual(['Default Group', 'Lincoln']);
  });

  it('sets faults for the next requests', async () => {
    const result = await call(origin, 'POST', '/__admin/faults', {
      token: null,
      body: { retryAfterSeconds: 7, failNext: [{ count: 1, kind: '429', operationId: 'listGroups' }] },
    });
    expect(result.status).toBe(200);
    const faulted = await call(simulator.url, 'GET', '/groups?pageNumber=1&limit=5');
    expect(faulted.status).toBe(429);
    expect(faulted.headers.get('retry-after')).toBe('7');
  });

  it('rejects an invalid fault setting', async () => {
    const result = await call(origin, 'POST', '/__admin/faults', { token: null, body: { rate: 2 } });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe("body field 'rate' must be <= 1");
  });

  it('answers 404 for an unknown admin path', async () => {
    const result = await call(origin, 'GET', '/__admin/nothing', { token: null });
    expect(result.status).toBe(404);
  });
});
