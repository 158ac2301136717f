import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/load';
import { configProblems } from './support';

const TALENT = { baseUrl: 'https://api.torshtalent.com/api/v2', tokenSecretName: 'talent-sync/talent-token' };

function withSource(source: Record<string, unknown>) {
  return {
    talent: TALENT,
    roster: { sources: [{ name: 'hr', signingSecretName: 'talent-sync/hr', ...source }] },
  };
}

function problemsOf(value: unknown): string {
  return configProblems(value).join('\n');
}

describe('roster source fields', () => {
  it('requires apiSecretName for a thin provider and names the fix', () => {
    expect(problemsOf(withSource({ provider: 'gusto' }))).toMatch(
      /roster\.sources\[0\]\.apiSecretName: is required for provider "gusto".*set it to the Secrets Manager name/,
    );
  });

  it('accepts a thin provider with apiSecretName, apiBaseUrl and tenantIds', () => {
    const config = parseConfig(
      withSource({
        provider: 'finch',
        apiSecretName: 'talent-sync/finch-api',
        apiBaseUrl: 'https://sandbox.tryfinch.com',
        tenantIds: ['connection-1'],
      }),
    );
    expect(config.roster.sources[0]?.tenantIds).toEqual(['connection-1']);
  });

  it('accepts a signed provider without apiSecretName', () => {
    expect(parseConfig(withSource({ provider: 'standard-webhooks' })).roster.sources).toHaveLength(1);
  });

  it('rejects a plain-http apiBaseUrl off loopback', () => {
    const config = withSource({
      provider: 'rippling',
      apiSecretName: 'x',
      apiBaseUrl: 'http://api.example.org',
    });
    expect(problemsOf(config)).toContain('apiBaseUrl: must use https');
  });

  it('accepts a plain-http apiBaseUrl on loopback', () => {
    const config = withSource({
      provider: 'rippling',
      apiSecretName: 'x',
      apiBaseUrl: 'http://127.0.0.1:4010/rippling',
    });
    expect(parseConfig(config).roster.sources[0]?.apiBaseUrl).toBe('http://127.0.0.1:4010/rippling');
  });

  it('rejects a verificationSecretName equal to signingSecretName', () => {
    const config = withSource({
      provider: 'gusto',
      apiSecretName: 'talent-sync/gusto-api',
      verificationSecretName: 'talent-sync/hr',
    });
    expect(problemsOf(config)).toContain('verificationSecretName: must differ from signingSecretName');
  });

  it('rejects an empty tenantIds list', () => {
    expect(problemsOf(withSource({ provider: 'generic', tenantIds: [] }))).toContain('tenantIds');
  });
});
