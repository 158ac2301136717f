import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp, PROJECT_ROOT } from '../../infra/build';
import { FEATURE_FLAGS } from '../../infra/feature-flags';
import { ConfigError } from '../../lib/config/errors';
import type { Config } from '../../lib/config/schema';
import { exampleConfig, exampleConfigInput, synthesize } from './support';

interface ValidationReport {
  pluginReports: Array<{
    pluginName: string;
    violations: Array<{
      ruleName: string;
      severity: string;
      violatingConstructs: Array<{ constructPath: string }>;
    }>;
  }>;
}

function readReport(outdir: string): ValidationReport {
  return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
}

function findings(report: ValidationReport): Array<{ rule: string; path: string; severity: string }> {
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map((construct) => ({
        rule: violation.ruleName,
        path: construct.constructPath,
        severity: violation.severity,
      })),
    ),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('buildApp', () => {
  it('leaves no unacknowledged cdk-nag finding', () => {
    const { outdir } = synthesize();
    expect(findings(readReport(outdir))).toEqual([]);
  });

  it('fails synthesis on an unacknowledged finding', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'talent-sync-infra-'));
    const { app, stack } = buildApp({ config: exampleConfig(), bundling: false, outdir });
    new sqs.Queue(stack, 'UnencryptedQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
    const rules = findings(readReport(outdir)).map((finding) => finding.rule);
    expect(rules).toContain('AwsSolutions-SQS4');
  });

  it('acknowledges only findings that occur', () => {
    const acknowledgements: Array<{ rule: string; path: string }> = [];
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (
      this: unknown,
      ...rules: Array<{ id: string }>
    ) {
      const scope = (this as { scope: IConstruct }).scope;
      for (const rule of rules) acknowledgements.push({ rule: rule.id, path: scope.node.path });
    });
    const outdir = mkdtempSync(join(tmpdir(), 'talent-sync-infra-'));
    const { app } = buildApp({ config: exampleConfig(), bundling: false, outdir });
    expect(() => app.synth()).toThrow();

    const found = findings(readReport(outdir));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements) {
      const matched = found.some(
        (finding) =>
          finding.rule === acknowledgement.rule && `${finding.path}/`.startsWith(`${acknowledgement.path}/`),
      );
      expect(matched, `${acknowledgement.rule} at ${acknowledgement.path}`).toBe(true);
    }
  });

  it('rejects an invalid config naming the field', () => {
    const input = exampleConfigInput();
    (input.talent as Record<string, unknown>).baseUrl = 'not a url';
    const build = () => buildApp({ config: input as unknown as Config, bundling: false });

    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/talent\.baseUrl/);
  });

  it('uses the feature flags of cdk.json', () => {
    const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
      app: string;
      context: Record<string, unknown>;
    };
    // cli-telemetry is read by the CDK CLI only, so it is the one context key that is no feature flag.
    const { 'cli-telemetry': cliTelemetry, ...flags } = cdkJson.context;
    expect(flags).toEqual(FEATURE_FLAGS);
    expect(cliTelemetry).toBe(false);
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');

    const { app } = buildApp({ config: exampleConfig(), bundling: false, nag: false });
    for (const [flag, value] of Object.entries(FEATURE_FLAGS)) {
      expect(app.node.tryGetContext(flag), flag).toEqual(value);
    }
  });
});
