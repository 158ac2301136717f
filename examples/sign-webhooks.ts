/**
 * Writes the signed example deliveries under examples/webhooks/, signed with the keys in
 * examples/secrets.local.json. Run it after changing a body below:
 *
 *   npx tsx examples/sign-webhooks.ts
 *
 * Generic deliveries are signed at EXAMPLE_SIGNED_AT, a fixed placeholder time, so the files do not change
 * on every run. A replay signs them again with the current time (see examples/webhooks/README.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERIC_HEADERS, MERGE_SIGNATURE_HEADER, signGenericDelivery, signMergeBody } from '../lib/hris';

/** 2026-01-01T00:00:00Z in Unix seconds: the placeholder signing time of the generic examples. */
const EXAMPLE_SIGNED_AT = 1_767_225_600;

const examplesDir = dirname(fileURLToPath(import.meta.url));
const secrets = JSON.parse(readFileSync(join(examplesDir, 'secrets.local.json'), 'utf8')) as Record<
  string,
  string
>;

interface ExampleDelivery {
  source: 'hr-generic' | 'merge';
  headers: Record<string, string>;
  body: string;
}

const ava = {
  id: 'E1001',
  workEmail: 'ava.lindqvist@district.example.org',
  firstName: 'Ava',
  lastName: 'Lindqvist',
  department: 'Elementary Education',
  employeeType: 'Full-time',
  status: 'active',
  startDate: '2025-08-11',
};

const rafael = {
  id: 'E1002',
  workEmail: 'rafael.moreno@district.example.org',
  firstName: 'Rafael',
  lastName: 'Moreno',
  jobTitle: 'Teacher',
  department: 'Mathematics',
  school: 'Cedar Middle',
  location: 'Cedar Middle',
  employeeType: 'Full-time',
  status: 'active',
  startDate: '2025-08-11',
};

/** Generic bodies are pretty-printed: the signature covers the bytes as sent, whatever their layout. */
const genericBodies: Record<string, unknown> = {
  '01-hire': {
    events: [
      {
        type: 'employee.hired',
        occurredAt: '2025-08-04T14:00:00Z',
        employee: { ...ava, jobTitle: 'Teacher', school: 'Maple Elementary', location: 'Maple Elementary' },
      },
      { type: 'employee.hired', occurredAt: '2025-08-04T14:05:00Z', employee: rafael },
    ],
  },
  '02-job-change': {
    events: [
      {
        type: 'employee.updated',
        occurredAt: '2025-10-06T09:30:00Z',
        employee: {
          ...ava,
          jobTitle: 'Instructional Coach',
          school: 'Cedar Middle',
          location: 'Cedar Middle',
        },
      },
    ],
  },
  '03-termination': {
    events: [
      {
        type: 'employee.terminated',
        occurredAt: '2025-12-19T22:00:00Z',
        employee: { ...rafael, status: 'inactive', terminationDate: '2025-12-19' },
      },
    ],
  },
};

const linkedAccount = {
  id: '7d0c5a8e-4b1f-4e2a-9c3d-5f6a7b8c9d01',
  integration: 'Example HRIS',
  integration_slug: 'example-hris',
  category: 'hris',
  end_user_origin_id: 'district-example',
  end_user_organization_name: 'Example Unified School District',
  end_user_email_address: 'hr.admin@district.example.org',
  status: 'COMPLETE',
  webhook_listener_url: 'https://api.merge.dev/api/integrations/webhook-listener/example',
  is_duplicate: null,
};

const zoe = {
  id: '3f9e2d1c-0b8a-4c7d-9e6f-5a4b3c2d1e01',
  remote_id: '48213',
  employee_number: '48213',
  first_name: 'Zoë',
  last_name: 'Ångström',
  preferred_name: null,
  display_full_name: 'Zoë Ångström',
  work_email: 'zoe.angstrom@district.example.org',
  employment_status: 'ACTIVE',
  start_date: '2025-08-11T00:00:00Z',
  termination_date: null,
  employments: [
    {
      id: 'a1b2c3d4-0000-4e5f-8a9b-000000000101',
      job_title: 'Teacher',
      employment_type: 'FULL_TIME',
    },
  ],
  groups: [{ id: 'b2c3d4e5-0000-4f6a-9b0c-000000000201', name: 'Elementary Education', type: 'DEPARTMENT' }],
  remote_was_deleted: false,
};

const mergeHook = (event: string) => ({
  id: '0b7f3c1e-5d2a-4b6c-8e9f-000000000301',
  event,
  target: 'https://hooks.district.example.org/webhooks/merge',
});

const mergeBodies: Record<string, unknown> = {
  '01-hire': {
    hook: mergeHook('Employee.added'),
    linked_account: linkedAccount,
    data: {
      ...zoe,
      work_location: { id: 'c3d4e5f6-0000-4a7b-8c9d-000000000401', name: 'Maple Elementary' },
      modified_at: '2025-08-04T15:10:00Z',
    },
  },
  '02-school-change': {
    hook: mergeHook('Employee.changed'),
    linked_account: linkedAccount,
    data: {
      ...zoe,
      work_location: { id: 'c3d4e5f6-0000-4a7b-8c9d-000000000402', name: 'Cedar Middle' },
      modified_at: '2025-11-03T16:45:00Z',
    },
  },
  '03-termination': {
    hook: mergeHook('Employee.changed'),
    linked_account: linkedAccount,
    data: {
      id: '3f9e2d1c-0b8a-4c7d-9e6f-5a4b3c2d1e02',
      remote_id: '47750',
      employee_number: '47750',
      first_name: 'Noah',
      last_name: 'Whitfield',
      preferred_name: null,
      display_full_name: 'Noah Whitfield',
      work_email: 'noah.whitfield@district.example.org',
      employment_status: 'INACTIVE',
      start_date: '2019-08-12T00:00:00Z',
      termination_date: '2025-12-19T00:00:00Z',
      employments: ['a1b2c3d4-0000-4e5f-8a9b-000000000102'],
      groups: ['b2c3d4e5-0000-4f6a-9b0c-000000000202'],
      work_location: 'c3d4e5f6-0000-4a7b-8c9d-000000000402',
      remote_was_deleted: false,
      modified_at: '2025-12-19T23:00:00Z',
    },
  },
};

function signGeneric(name: string, payload: unknown): ExampleDelivery {
  const body = JSON.stringify(payload, null, 2);
  return {
    source: 'hr-generic',
    headers: {
      'content-type': 'application/json',
      [GENERIC_HEADERS.deliveryId]: `example-generic-${name}`,
      ...signGenericDelivery(requireSecret('talent-sync/hr-generic-signing'), body, EXAMPLE_SIGNED_AT),
    },
    body,
  };
}

function signMerge(payload: unknown): ExampleDelivery {
  const body = JSON.stringify(payload);
  return {
    source: 'merge',
    headers: {
      'content-type': 'application/json',
      [MERGE_SIGNATURE_HEADER]: signMergeBody(requireSecret('talent-sync/merge-signature-key'), body),
    },
    body,
  };
}

function requireSecret(name: string): string {
  const value = secrets[name];
  if (!value)
    throw new Error(`examples/secrets.local.json has no "${name}": add it before signing the examples.`);
  return value;
}

function write(folder: string, name: string, delivery: ExampleDelivery): void {
  const dir = join(examplesDir, 'webhooks', folder);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(delivery, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

for (const [name, payload] of Object.entries(genericBodies))
  write('generic', name, signGeneric(name, payload));
for (const [name, payload] of Object.entries(mergeBodies)) write('merge', name, signMerge(payload));
