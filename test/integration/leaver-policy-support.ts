import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { signGenericDelivery } from '../../lib/hris';
import { type LocalStack, startLocalStack } from '../../local/stack';

// Shared steps of the leaver policy tests. Each policy has its own test file because a local stack
// is started once per process: the handlers cache their config and Talent client.

const SIGNING_SECRET = 'local-generic-signing-secret';
export const EMAIL = 'lena.okafor@policies.example.org';

/** Starts the local stack with the roster-cases config and the given termination action. */
export async function startWithPolicy(terminationAction: 'delete' | 'ignore'): Promise<LocalStack> {
  const directory = mkdtempSync(join(tmpdir(), `talent-sync-${terminationAction}-`));
  const config = JSON.parse(readFileSync('test/integration/fixtures/roster-cases.config.json', 'utf8'));
  config.roster.terminationAction = terminationAction;
  const configPath = join(directory, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  return startLocalStack({ configPath, secretsPath: 'examples/secrets.local.json', stateDir: directory });
}

export async function deliver(local: LocalStack, type: string, occurredAt: string): Promise<void> {
  const body = JSON.stringify({
    events: [
      {
        type,
        occurredAt,
        employee: { id: 'P100', workEmail: EMAIL, firstName: 'Lena', lastName: 'Okafor', school: 'Oak High' },
      },
    ],
  });
  const response = await fetch(`${local.endpoints.webhookBaseUrl}/hr-generic`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signGenericDelivery(SIGNING_SECRET, body, Date.now() / 1000),
    },
    body,
  });
  expect(response.status).toBe(202);
  await local.drainRoster();
}
