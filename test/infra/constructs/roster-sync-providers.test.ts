import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import {
  asList,
  describeResource,
  exampleConfigInput,
  roleId,
  roleStatements,
  type SynthesizedStack,
  synthesize,
} from '../support';

// A source whose provider sends thin webhooks names an API credential secret; only the apply
// function, which fetches people, may read it.

let synthesized: SynthesizedStack;

beforeAll(() => {
  const input = exampleConfigInput() as { roster: { sources: Record<string, unknown>[] } };
  input.roster.sources.push({
    name: 'hr-api',
    provider: 'merge',
    signingSecretName: 'talent-sync/hr-api-signing',
    apiSecretName: 'talent-sync/hr-api-credential',
  });
  synthesized = synthesize(parseConfig(input));
});

function secretsReadBy(role: string): string[] {
  return roleStatements(synthesized.template, role)
    .flatMap((statement) => asList(statement.Resource).map(describeResource))
    .filter((target) => target.startsWith('secret:'));
}

describe('RosterSync API credentials', () => {
  it('lets the apply function read the API credential secret', () => {
    const role = roleId(synthesized.stack.rosterSync.applyFunction);
    expect(secretsReadBy(role)).toContain('secret:talent-sync/hr-api-credential');
  });

  it('keeps the API credential secret from the webhook function', () => {
    const role = roleId(synthesized.stack.rosterSync.webhookFunction);
    expect(secretsReadBy(role)).not.toContain('secret:talent-sync/hr-api-credential');
  });
});
