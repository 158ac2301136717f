import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKENS,
  startTalentSimulator,
  type TalentSimulator,
} from '../../../local/talent-simulator/server';
import { call } from './support';

let simulator: TalentSimulator;

beforeAll(async () => {
  simulator = await startTalentSimulator({
    validateResponses: true,
    seed: {
      groups: ['Lincoln Elementary', 'Jefferson High'],
      users: [
        {
          email: 'Coach.One@District.example.org',
          role: 'Coach',
          name: 'Coach One',
          groups: ['Lincoln Elementary'],
        },
      ],
    },
  });
});

afterEach(() => {
  expect(simulator.responseViolations()).toEqual([]);
  simulator.reset();
});

afterAll(async () => {
  await simulator.close();
});

const api = (method: string, path: string, body?: unknown, token?: string) =>
  call(simulator.url, method, path, { ...(body === undefined ? {} : { body }), ...(token ? { token } : {}) });
const userPath = (email: string) => `/users/${encodeURIComponent(email)}`;
const findUser = (email: string) => simulator.users().find((user) => user.email === email);

describe('users', () => {
  it('stores e-mails in lower case', async () => {
    await api('POST', '/users', { email: 'Ada.Lovelace@District.example.org', role: 'Teacher' });
    expect(simulator.users().map((user) => user.email)).toContain('ada.lovelace@district.example.org');
  });

  it('finds a user whatever the case of the e-mail', async () => {
    const result = await api('GET', userPath('COACH.ONE@district.EXAMPLE.org'));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      email: 'coach.one@district.example.org',
      groups: ['Lincoln Elementary'],
    });
  });

  it('answers 404 for an unknown user', async () => {
    const result = await api('GET', userPath('nobody@district.example.org'));
    expect(result.status).toBe(404);
    expect(result.body.message).toBe('user not found: nobody@district.example.org');
  });

  it('answers 409 for an e-mail that differs only in case', async () => {
    const result = await api('POST', '/users', { email: 'COACH.ONE@district.example.org', role: 'Coach' });
    expect(result.status).toBe(409);
    expect(result.body.message).toBe('user already exists: coach.one@district.example.org');
  });

  it('rejects a group that does not exist and creates nothing', async () => {
    const result = await api('POST', '/users', {
      email: 'new@district.example.org',
      role: 'Teacher',
      groups: ['Nowhere'],
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe('group not found: Nowhere');
    expect(findUser('new@district.example.org')).toBeUndefined();
  });

  it('matches group names case-insensitively on create', async () => {
    await api('POST', '/users', {
      email: 'new@district.example.org',
      role: 'Teacher',
      groups: ['jefferson HIGH'],
    });
    expect(findUser('new@district.example.org')?.groups).toEqual(['Jefferson High']);
  });

  it('starts a new user as Invited with one invitation', async () => {
    const result = await api('POST', '/users', { email: 'new@district.example.org', role: 'Teacher' });
    expect(result.status).toBe(201);
    expect(findUser('new@district.example.org')).toMatchObject({
      userId: result.body.userId,
      status: 'Invited',
      invitesSent: 1,
      lastSeen: null,
    });
  });

  it('sends no invitation with suppress_invite', async () => {
    await api('POST', '/users', {
      email: 'new@district.example.org',
      role: 'Teacher',
      suppress_invite: true,
    });
    expect(findUser('new@district.example.org')?.invitesSent).toBe(0);
  });

  it('puts a teacher without groups in the Default Group', async () => {
    await api('POST', '/users', { email: 'new@district.example.org', role: 'Teacher' });
    expect(findUser('new@district.example.org')?.groups).toEqual(['Default Group']);
  });

  it('leaves an admin without groups out of the Default Group', async () => {
    await api('POST', '/users', { email: 'boss@district.example.org', role: 'Admin' });
    expect(findUser('boss@district.example.org')?.groups).toEqual([]);
  });

  it('moves a user to a new e-mail', async () => {
    const result = await api('PUT', userPath('coach.one@district.example.org'), {
      email: 'Coach.Two@District.example.org',
    });
    expect(result.status).toBe(200);
    expect(simulator.users().map((user) => user.email)).toEqual(['coach.two@district.example.org']);
  });

  it('rejects a move to a taken e-mail and changes nothing', async () => {
    await api('POST', '/users', { email: 'taken@district.example.org', role: 'Teacher' });
    const result = await api('PUT', userPath('coach.one@district.example.org'), {
      email: 'taken@district.example.org',
      name: 'Changed',
    });
    expect(result.status).toBe(409);
    expect(findUser('coach.one@district.example.org')?.name).toBe('Coach One');
  });

  it('replaces groups, role, name and status on update', async () => {
    await api('PUT', userPath('coach.one@district.example.org'), {
      groups: ['Jefferson High'],
      role: 'Admin',
      name: 'Principal One',
      status: 'Disabled',
    });
    expect(findUser('coach.one@district.example.org')).toMatchObject({
      groups: ['Jefferson High'],
      role: 'Admin',
      name: 'Principal One',
      status: 'Disabled',
    });
  });

  it('rejects an unknown group on update and changes nothing', async () => {
    const result = await api('PUT', userPath('coach.one@district.example.org'), {
      groups: ['Nowhere'],
      name: 'X',
    });
    expect(result.status).toBe(400);
    expect(findUser('coach.one@district.example.org')?.name).toBe('Coach One');
  });

  it('deletes a user', async () => {
    const deleted = await api('DELETE', userPath('coach.one@district.example.org'));
    const lookup = await api('GET', userPath('coach.one@district.example.org'));
    expect(deleted.status).toBe(200);
    expect(lookup.status).toBe(404);
  });

  it('pages the user list', async () => {
    for (const name of ['a', 'b', 'c', 'd'])
      await api('POST', '/users', { email: `${name}@district.example.org`, role: 'Teacher' });
    const result = await api('GET', '/users?pageNumber=2&limit=2');
    expect(result.body).toEqual({
      users: [
        expect.objectContaining({ email: 'c@district.example.org', status: 'Invited' }),
        expect.objectContaining({ email: 'coach.one@district.example.org', status: 'Active' }),
      ],
      pageNumber: 2,
      usersListedCount: 2,
      pageCount: 3,
    });
  });

  it('reports each bulk invite on its own', async () => {
    const result = await api('POST', '/users/bulk', {
      invites: [
        { email: 'one@district.example.org', name: 'One' },
        { email: 'not-an-email' },
        { email: 'ONE@district.example.org' },
        { email: 'coach.one@district.example.org' },
      ],
      role: 'Teacher',
      suppress_invite: true,
    });
    expect(result.status).toBe(200);
    expect(result.body.successes).toEqual([
      { email: 'one@district.example.org', userId: expect.any(String) },
    ]);
    expect(result.body.failures).toEqual([
      { email: 'not-an-email', reason: 'invalid email' },
      { email: 'ONE@district.example.org', reason: 'duplicate email in this request' },
      { email: 'coach.one@district.example.org', reason: 'user already exists' },
    ]);
  });

  it('replaces the groups of several users at once', async () => {
    await api('POST', '/users', { email: 'two@district.example.org', role: 'Teacher' });
    const result = await api('PUT', '/users/groups', {
      emails: ['coach.one@district.example.org', 'TWO@district.example.org'],
      groups: ['Jefferson High', 'Lincoln Elementary'],
    });
    expect(result.status).toBe(200);
    expect(simulator.users().map((user) => user.groups)).toEqual([
      ['Jefferson High', 'Lincoln Elementary'],
      ['Jefferson High', 'Lincoln Elementary'],
    ]);
  });

  it('changes no user when one of several is unknown', async () => {
    const result = await api('PUT', '/users/groups', {
      emails: ['coach.one@district.example.org', 'ghost@district.example.org'],
      groups: ['Jefferson High'],
    });
    expect(result.status).toBe(404);
    expect(findUser('coach.one@district.example.org')?.groups).toEqual(['Lincoln Elementary']);
  });

  it('pages a user’s groups', async () => {
    await api('PUT', userPath('coach.one@district.example.org'), {
      groups: ['Lincoln Elementary', 'Jefferson High'],
    });
    const result = await api(
      'GET',
      `${userPath('coach.one@district.example.org')}/groups?pageNumber=1&limit=1`,
    );
    expect(result.body).toEqual({
      groups: [{ _id: expect.any(String), name: 'Jefferson High' }],
      pageNumber: 1,
      pageCount: 2,
    });
  });

  it('lists notifications newest first', async () => {
    await api('POST', '/users', { email: 'new@district.example.org', role: 'Teacher' });
    await api('PUT', userPath('new@district.example.org'), { status: 'Active' });
    const result = await api(
      'GET',
      `${userPath('new@district.example.org')}/notifications?pageNumber=1&limit=10`,
    );
    expect(result.body.notifications.map((item: { type: string }) => item.type)).toEqual([
      'status',
      'invitation',
    ]);
  });
});

describe('groups', () => {
  it('filters by name, partially and ignoring case', async () => {
    const result = await api('GET', '/groups?pageNumber=1&limit=10&name=HIGH');
    expect(result.body.groups.map((group: { name: string }) => group.name)).toEqual(['Jefferson High']);
  });

  it('treats the name filter as plain text', async () => {
    const result = await api('GET', `/groups?pageNumber=1&limit=10&name=${encodeURIComponent('.*')}`);
    expect(result.body.groups).toEqual([]);
  });

  it('creates a group with an id', async () => {
    const result = await api('POST', '/groups', { name: 'Roosevelt Middle' });
    expect(result.status).toBe(201);
    expect(result.body).toEqual({ _id: expect.any(String), name: 'Roosevelt Middle' });
  });

  it('rejects a name that exists in another case', async () => {
    const result = await api('POST', '/groups', { name: 'LINCOLN elementary' });
    expect(result.status).toBe(409);
    expect(result.body.message).toBe('group already exists: LINCOLN elementary');
  });

  it('rejects a blank name', async () => {
    const result = await api('POST', '/groups', { name: '   ' });
    expect(result.status).toBe(400);
  });

  it('renames a group, which members see', async () => {
    const result = await api('PUT', `/groups/${encodeURIComponent('lincoln elementary')}`, {
      name: 'Lincoln School',
    });
    expect(result.body.name).toBe('Lincoln School');
    expect(findUser('coach.one@district.example.org')?.groups).toEqual(['Lincoln School']);
  });

  it('rejects a rename to another group’s name', async () => {
    const result = await api('PUT', `/groups/${encodeURIComponent('Lincoln Elementary')}`, {
      name: 'jefferson high',
    });
    expect(result.status).toBe(409);
  });

  it('deletes a group and its memberships', async () => {
    const result = await api('DELETE', `/groups/${encodeURIComponent('Lincoln Elementary')}`);
    expect(result.status).toBe(200);
    expect(findUser('coach.one@district.example.org')?.groups).toEqual([]);
  });

  it('keeps the Default Group', async () => {
    const result = await api('DELETE', `/groups/${encodeURIComponent('Default Group')}`);
    expect(result.status).toBe(409);
  });

  it('answers 404 when deleting an unknown group', async () => {
    const result = await api('DELETE', '/groups/Nowhere', { systemId: 'system-local' });
    expect(result.status).toBe(404);
  });
});

describe('tags', () => {
  it('creates, updates, filters and deletes a tag', async () => {
    const created = await api('POST', '/tags', { tag: 'Questioning', type: 'observation' });
    const updated = await api('PUT', `/tags/${created.body._id}`, { tag: 'Questioning Techniques' });
    const filtered = await api('GET', '/tags?pageNumber=1&limit=10&type=observation');
    const deleted = await api('DELETE', `/tags/${created.body._id}`);
    expect(created.status).toBe(201);
    expect(updated.body).toEqual({
      _id: created.body._id,
      tag: 'Questioning Techniques',
      type: 'observation',
    });
    expect(filtered.body.tags).toEqual([updated.body]);
    expect(deleted.status).toBe(200);
  });

  it('rejects a duplicate tag of the same type', async () => {
    const result = await api('POST', '/tags', { tag: 'math concepts', type: 'content' });
    expect(result.status).toBe(409);
  });
});

describe('systems, roles and profile attributes', () => {
  it('shows a system token only its own system', async () => {
    const result = await api('GET', '/systems?pageNumber=1&limit=10');
    expect(result.body).toEqual({
      systems: [{ systemId: 'system-local', name: 'Local District' }],
      pageNumber: 1,
      totalCount: 1,
    });
  });

  it('shows a network token every system', async () => {
    const result = await api('GET', '/systems?pageNumber=1&limit=10', undefined, DEFAULT_TOKENS.network);
    expect(result.body.totalCount).toBe(2);
  });

  it('forbids a system token another system', async () => {
    const result = await api('POST', '/users', {
      email: 'x@district.example.org',
      role: 'Teacher',
      systemId: 'system-sandbox',
    });
    expect(result.status).toBe(403);
  });

  it('lets a network token create a user in another system', async () => {
    const result = await api(
      'POST',
      '/users',
      { email: 'x@district.example.org', role: 'Teacher', systemId: 'system-sandbox' },
      DEFAULT_TOKENS.network,
    );
    expect(result.status).toBe(201);
    expect(findUser('x@district.example.org')?.systemId).toBe('system-sandbox');
  });

  it('counts role members', async () => {
    const result = await api('GET', '/roles?pageNumber=1&limit=10&name=coach');
    expect(result.body).toEqual({
      roles: [{ _id: 'role_coach', name: 'Coach', memberCount: 1 }],
      pageNumber: 1,
      totalCount: 1,
    });
  });

  it('answers 404 for the roles of an unknown system', async () => {
    const result = await api(
      'GET',
      '/roles?pageNumber=1&limit=10&systemId=elsewhere',
      undefined,
      DEFAULT_TOKENS.network,
    );
    expect(result.status).toBe(404);
  });

  it('lists profile attributes for a system', async () => {
    const result = await api('GET', '/profileAttributes?system=system-local');
    expect(result.body.map((attribute: { label: string }) => attribute.label)).toEqual([
      'School',
      'Years of experience',
      'Certified',
    ]);
  });

  it('requires the system of profile attributes', async () => {
    const result = await api('GET', '/profileAttributes');
    expect(result.body.message).toBe("query parameter 'system' is required");
  });
});
