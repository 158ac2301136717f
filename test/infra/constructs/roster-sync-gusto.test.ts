import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import {
  asList,
  describeResource,
  exampleConfigInput,
  logicalId,
  type PolicyStatement,
  roleId,
  roleStatements,
  type SynthesizedStack,
  synthesize,
} from '../support';

// Each Gusto source gets a pending-verification secret that the webhook function may only write, for
// the verification token Gusto posts unsigned when a subscription is created.

let synthesized: SynthesizedStack;

beforeAll(() => {
  const input = exampleConfigInput() as { roster: { sources: Record<string, unknown>[] } };
  input.roster.sources.push(
    {
      name: 'gusto-main',
      provider: 'gusto',
      signingSecretName: 'talent-sync/gusto-verification-token',
      apiSecretName: 'talent-sync/gusto-access-token',
    },
    {
      name: 'gusto-named',
      provider: 'gusto',
      signingSecretName: 'talent-sync/gusto-named-signing',
      apiSecretName: 'talent-sync/gusto-named-api',
      verificationSecretName: 'talent-sync/gusto-named-pending',
    },
  );
  synthesized = synthesize(parseConfig(input));
});

function secretNames(): string[] {
  const secrets = Object.values(synthesized.template.findResources('AWS::SecretsManager::Secret'));
  return secrets.map((secret) => String(secret.Properties.Name)).sort();
}

function pendingSecretId(source: string): string {
  const secret = synthesized.stack.rosterSync.pendingVerificationSecrets.get(source);
  if (!secret) throw new Error(`no pending-verification secret for ${source}`);
  return logicalId(secret);
}

function putStatements(role: string): PolicyStatement[] {
  return roleStatements(synthesized.template, role).filter((statement) =>
    asList(statement.Action).some((action) => action.includes('PutSecretValue')),
  );
}

/** Returns the roles of every policy in the template that grants PutSecretValue. */
function rolesThatPut(): string[] {
  const policies = Object.values(synthesized.template.findResources('AWS::IAM::Policy'));
  return policies
    .filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as PolicyStatement[]).some((statement) =>
        asList(statement.Action).some((action) => action.includes('PutSecretValue')),
      ),
    )
    .flatMap((policy) => (policy.Properties.Roles as unknown[]).map(describeResource));
}

describe('RosterSync pending-verification secrets', () => {
  it('creates one per Gusto source, with the default or configured name', () => {
    expect(secretNames()).toEqual([
      'talent-sync/gusto-named-pending',
      'talent-sync/gusto-verification-token-pending-verification',
    ]);
  });

  it('lets the webhook function only put values into them', () => {
    const role = roleId(synthesized.stack.rosterSync.webhookFunction);
    const statements = putStatements(role);
    const actions = new Set(statements.flatMap((statement) => asList(statement.Action)));
    expect([...actions]).toEqual(['secretsmanager:PutSecretValue']);
    expect(
      statements.flatMap((statement) => asList(statement.Resource).map(describeResource)).sort(),
    ).toEqual([pendingSecretId('gusto-main'), pendingSecretId('gusto-named')].sort());
  });

  it('gives the webhook function no read access to them', () => {
    const role = roleId(synthesized.stack.rosterSync.webhookFunction);
    const pending = new Set([pendingSecretId('gusto-main'), pendingSecretId('gusto-named')]);
    const reads = roleStatements(synthesized.template, role).filter(
      (statement) =>
        asList(statement.Action).includes('secretsmanager:GetSecretValue') &&
        asList(statement.Resource).some((target) => pending.has(describeResource(target))),
    );
    expect(reads).toEqual([]);
  });

  it('gives no other role PutSecretValue', () => {
    expect(rolesThatPut()).toEqual([roleId(synthesized.stack.rosterSync.webhookFunction)]);
  });

  it('leaves no unacknowledged cdk-nag finding', () => {
    const report = JSON.parse(readFileSync(join(synthesized.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  });
});
