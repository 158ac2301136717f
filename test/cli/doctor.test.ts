import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../../cli/commands/doctor';
import type { LocalStack } from '../../local/stack';
import { startExampleStack, writeChangedConfig } from './local-stack';
import { runCli } from './support';

let stack: LocalStack;
let stateDir: string;

beforeAll(async () => {
  ({ stack, stateDir } = await startExampleStack());
});

afterAll(async () => {
  await stack?.close();
});

afterEach(() => {
  stack.simulator.setFaults(undefined);
});

async function doctor(args: string[]): Promise<{ code: number; checks: DoctorCheck[] }> {
  const run = await runCli(['doctor', '--json', ...args]);
  return { code: run.code, checks: (JSON.parse(run.stdout) as { checks: DoctorCheck[] }).checks };
}

function find(checks: DoctorCheck[], name: string): DoctorCheck | undefined {
  return checks.find((entry) => entry.check === name);
}

describe('doctor against the local stack', () => {
  it('passes every check', async () => {
    const { code, checks } = await doctor(['--local', '--local-dir', stateDir]);
    expect(checks.filter((entry) => entry.status === 'failed')).toEqual([]);
    expect(code).toBe(0);
  });

  it('calls users, groups and systems', async () => {
    const { checks } = await doctor(['--local', '--local-dir', stateDir]);
    for (const operation of ['listUsers', 'listGroups', 'listSystems']) {
      expect(find(checks, `talent ${operation}`)?.status, operation).toBe('ok');
    }
  });

  it('tells a system token by its one system', async () => {
    const { checks } = await doctor(['--local', '--local-dir', stateDir]);
    expect(find(checks, 'talent token')?.detail).toContain('system or user token');
  });

  it('checks each named secret', async () => {
    const { checks } = await doctor(['--local', '--local-dir', stateDir]);
    expect(find(checks, 'secret talent-sync/merge-signature-key')?.status).toBe('ok');
  });

  it('prints a table with a fix column', async () => {
    const run = await runCli(['doctor', '--local', '--local-dir', stateDir]);
    expect(run.stdout.split('\n')[0]).toMatch(/^CHECK\s+RESULT\s+DETAIL\s+FIX$/);
  });

  it('fails with the status when Talent fails', async () => {
    stack.simulator.failNext(1, '503', 'listGroups');
    const { code, checks } = await doctor(['--local', '--local-dir', stateDir]);
    expect(code).toBe(1);
    expect(find(checks, 'talent listGroups')?.detail).toContain('503');
    expect(find(checks, 'talent listGroups')?.fix).toContain('try again later');
  });

  it('names a secret missing from the secrets file', async () => {
    const config = writeChangedConfig(stack.endpoints.configFile, (value) => {
      value.roster.sources.push({
        name: 'extra',
        provider: 'generic',
        signingSecretName: 'talent-sync/not-there',
      });
    });
    const { code, checks } = await doctor(['--local', '--local-dir', stateDir, '--config', config]);
    expect(code).toBe(1);
    expect(find(checks, 'secret talent-sync/not-there')?.fix).toContain('add "talent-sync/not-there"');
  });

  it('reports an invalid config as a failed check', async () => {
    const config = writeChangedConfig(stack.endpoints.configFile, (value) => {
      value.talent.timeoutMs = 1;
    });
    const { code, checks } = await doctor(['--local', '--local-dir', stateDir, '--config', config]);
    expect(code).toBe(1);
    expect(find(checks, 'config')?.detail).toContain('talent.timeoutMs');
  });

  it('fails when no local stack runs', async () => {
    const run = await runCli(['doctor', '--local', '--local-dir', '/nonexistent-talent-sync']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('npm start');
  });
});

describe('doctor against AWS', () => {
  const secrets = mockClient(SecretsManagerClient);

  afterEach(() => {
    secrets.reset();
  });

  function awsConfig(): string {
    // The deployment config with Talent at the simulator; Secrets Manager is mocked.
    return writeChangedConfig('examples/talent-sync.config.json', (value) => {
      value.talent.baseUrl = stack.endpoints.talentApiUrl;
    });
  }

  it('reads secrets from Secrets Manager', async () => {
    secrets.on(DescribeSecretCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: stack.endpoints.talentToken });
    const { code, checks } = await doctor(['--config', awsConfig()]);
    expect(checks.filter((entry) => entry.status === 'failed')).toEqual([]);
    expect(code).toBe(0);
  });

  it('gives the create command for a missing secret', async () => {
    secrets.on(DescribeSecretCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: stack.endpoints.talentToken });
    secrets
      .on(DescribeSecretCommand, { SecretId: 'talent-sync/merge-signature-key' })
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));
    const { code, checks } = await doctor(['--config', awsConfig()]);
    expect(code).toBe(1);
    expect(find(checks, 'secret talent-sync/merge-signature-key')?.fix).toContain(
      'aws secretsmanager create-secret --name talent-sync/merge-signature-key',
    );
  });

  it('skips Talent when the token cannot be read', async () => {
    secrets.on(DescribeSecretCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({});
    const { checks } = await doctor(['--config', awsConfig()]);
    expect(find(checks, 'talent')?.detail).toContain('not called');
  });

  it('reports a rejected token with 401', async () => {
    secrets.on(DescribeSecretCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'wrong-token' });
    const { code, checks } = await doctor(['--config', awsConfig()]);
    expect(code).toBe(1);
    expect(find(checks, 'talent listUsers')?.detail).toContain('401');
  });
});
