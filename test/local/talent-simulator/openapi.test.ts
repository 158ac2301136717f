import { describe, expect, it } from 'vitest';
import { loadDocument, responseValidator, TalentApiDocument } from '../../../local/talent-simulator/openapi';

const document = new TalentApiDocument();
const raw = loadDocument();
const schemas = (raw.components as { schemas: Record<string, Record<string, unknown>> }).schemas;

const OPERATION_IDS = [
  'listUsers',
  'createUser',
  'createUsers',
  'getUser',
  'updateUser',
  'deleteUser',
  'updateUsersGroups',
  'listUserGroups',
  'listUserNotifications',
  'listGroups',
  'createGroup',
  'updateGroup',
  'deleteGroup',
  'listTags',
  'createTag',
  'updateTag',
  'deleteTag',
  'listSystems',
  'listRoles',
  'listProfileAttributes',
  'getReportFilterOptions',
  'requestReport',
  'getReport',
  'getReportBuilderData',
];

function operationsOf(): Record<string, unknown>[] {
  return Object.values(raw.paths as Record<string, Record<string, unknown>>).flatMap((item) =>
    Object.entries(item)
      .filter(([key]) => key !== 'parameters')
      .map(([, operation]) => operation as Record<string, unknown>),
  );
}

function operation(operationId: string) {
  const found = document.operations.get(operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found;
}

describe('openapi.yaml', () => {
  it('describes every Talent operation once', () => {
    expect([...document.operations.keys()].sort()).toEqual([...OPERATION_IDS].sort());
  });

  it('marks every operation as inferred or not', () => {
    const unmarked = operationsOf().filter((entry) => typeof entry['x-inferred'] !== 'boolean');
    expect(unmarked).toEqual([]);
  });

  it('explains every inferred operation', () => {
    const unexplained = operationsOf().filter(
      (entry) => entry['x-inferred'] === true && !String(entry.description).startsWith('Inferred:'),
    );
    expect(unexplained).toEqual([]);
  });

  it('closes every request body object', () => {
    const refs = operationsOf()
      .map((entry) => JSON.stringify(entry.requestBody ?? ''))
      .flatMap((text) =>
        [...text.matchAll(/#\/components\/schemas\/(\w+)/g)].map((match) => match[1] as string),
      );
    const open = refs.filter((name) => {
      const schema = schemas[name] ?? {};
      const branches = (schema.oneOf as Record<string, unknown>[] | undefined) ?? [schema];
      return branches.some((branch) => branch.additionalProperties !== false);
    });
    expect(refs).toHaveLength(11);
    expect(open).toEqual([]);
  });

  it('requires a bearer token globally', () => {
    expect(raw.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe('TalentApiDocument.match', () => {
  it('decodes a percent-encoded e-mail', () => {
    const route = document.match('GET', '/users/jane%2Bdoe%40district.example.org');
    expect(route).toMatchObject({
      kind: 'operation',
      pathParams: { email: 'jane+doe@district.example.org' },
    });
  });

  it('reports broken percent-encoding', () => {
    expect(document.match('GET', '/users/%E0%A4%A').kind).toBe('bad-path');
  });

  it('matches a literal path before a template', () => {
    const route = document.match('PUT', '/users/groups');
    expect(route).toMatchObject({ kind: 'operation', operation: { operationId: 'updateUsersGroups' } });
  });

  it('lists the allowed methods of a known path', () => {
    expect(document.match('POST', '/reports/export_1')).toEqual({
      kind: 'method-not-allowed',
      allowed: ['GET'],
    });
  });
});

describe('responseValidator', () => {
  it('rejects a response field the document does not describe', () => {
    const { validate } = responseValidator(operation('getUser'), 200);
    const valid = validate?.({
      email: 'a@b.org',
      role: 'Teacher',
      status: 'Active',
      groups: [],
      userId: 'u1',
      nickname: 'A',
    });
    expect(valid).toBe(false);
  });

  it('falls back to the default error response', () => {
    const { found, validate } = responseValidator(operation('listUsers'), 429);
    expect(found).toBe(true);
    expect(validate?.({ message: 'slow down' })).toBe(true);
  });

  it('accepts a failed report on 500', () => {
    const { validate } = responseValidator(operation('getReport'), 500);
    expect(validate?.({ reportId: 'export_1', status: 'failed', message: 'boom' })).toBe(true);
  });

  it('keeps free-form report rows open', () => {
    const { validate } = responseValidator(operation('getReport'), 200);
    expect(validate?.({ reportId: 'r', status: 'complete', reportData: [{ any: { nested: [1] } }] })).toBe(
      true,
    );
  });
});
