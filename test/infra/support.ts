import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp, DEFAULT_CONFIG_PATH, PROJECT_ROOT } from '../../infra/build';
import type { TalentSyncStack } from '../../infra/stack';
import { parseConfig } from '../../lib/config/load';
import type { Config } from '../../lib/config/schema';

/** Reads the example deployment config as JSON, before validation, so tests can change it. */
export function exampleConfigInput(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, DEFAULT_CONFIG_PATH), 'utf8')) as Record<string, unknown>;
}

export function exampleConfig(): Config {
  return parseConfig(exampleConfigInput());
}

export interface SynthesizedStack {
  app: App;
  stack: TalentSyncStack;
  template: Template;
  /** The cloud assembly directory, which contains `validation-report.json`. */
  outdir: string;
}

/** Synthesizes the stack in-process without bundling, with the cdk-nag checks on. */
export function synthesize(config: Config = exampleConfig()): SynthesizedStack {
  const outdir = mkdtempSync(join(tmpdir(), 'talent-sync-infra-'));
  const { app, stack } = buildApp({ config, bundling: false, outdir });
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}

/** Returns the CloudFormation logical id of a construct's main resource. */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return element.stack.resolve(element.logicalId) as string;
}

/** Returns the logical id of the execution role of a function or state machine. */
export function roleId(owner: { role?: IConstruct }): string {
  if (!owner.role) throw new Error('The construct has no role.');
  return logicalId(owner.role);
}

export interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
}

export function resource(template: Template, id: string): TemplateResource {
  const found = template.toJSON().Resources?.[id] as TemplateResource | undefined;
  if (!found) throw new Error(`Resource ${id} is not in the template.`);
  return found;
}

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Returns the statements of every inline policy attached to the role with this logical id. */
export function roleStatements(template: Template, roleId: string): PolicyStatement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as TemplateResource[];
  return policies
    .filter((policy) => (policy.Properties.Roles as unknown[]).some((role) => refersTo(role, roleId)))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Names what a policy resource points at: the logical id of a `Ref` or `Fn::GetAtt`, followed by any
 * literal suffix (`ReportBucket/reports/*`), or the secret name of a Secrets Manager ARN, or `*`.
 */
export function describeResource(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return node.Ref;
  if (Array.isArray(node['Fn::GetAtt'])) return String(node['Fn::GetAtt'][0]);

  const join = node['Fn::Join'] as [string, unknown[]] | undefined;
  if (!join) return JSON.stringify(value);
  const parts = join[1];
  const last = parts[parts.length - 1];
  if (typeof last === 'string' && last.includes(':secret:')) {
    return `secret:${last.slice(last.indexOf(':secret:') + ':secret:'.length).replace(/-\?{6}$/, '')}`;
  }
  return parts.map((part) => (typeof part === 'string' ? part : describeResource(part))).join('');
}

function refersTo(value: unknown, id: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === id;
}
