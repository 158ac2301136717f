import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges a cdk-nag finding on scope and everything under it, with the reason as evidence. */
export function acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: ruleId, reason });
}

/**
 * Returns the cdk-nag finding id of an IAM5 wildcard resource built on a resource's ARN, for example
 * `AwsSolutions-IAM5[Resource::<ReportBucket1A2B3C.Arn>/reports/*]`.
 */
export function arnWildcardFinding(resource: IConstruct, suffix: string): string {
  const cfnResource = resource.node.defaultChild as CfnElement;
  const logicalId = Stack.of(resource).resolve(cfnResource.logicalId) as string;
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>${suffix}]`;
}
