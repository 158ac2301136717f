/**
 * The CDK feature flags this app relies on. `cdk.json` repeats them for the CDK CLI, and `buildApp`
 * passes this object to `new App`, so in-process synthesis (tests, the local stack) builds the same
 * template as `cdk synth`. A template test checks that the two copies agree.
 */
export const FEATURE_FLAGS = {
  /** Merges grants into fewer policy statements, which keeps each role's policy short and readable. */
  '@aws-cdk/aws-iam:minimizePolicies': true,
  /** Delivers S3 server access logs under a bucket policy, because owner-enforced buckets reject the legacy ACL. */
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  /** Turns every public access block option on when any is set. */
  '@aws-cdk/aws-s3:publicAccessBlockedByDefault': true,
  /** Scopes the IAM statements from KMS key grants to that key only. */
  '@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope': true,
  /** Fails synthesis when a secret value would be written into the template in plain text. */
  '@aws-cdk/core:checkSecretUsage': true,
  /** Writes `arn:aws:` literally where the partition is known, instead of an `AWS::Partition` reference. */
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
  /** Adds the stack name to generated physical names, so two deployments in one account do not collide. */
  '@aws-cdk/core:includePrefixInUniqueNameGeneration': true,
  /** Puts construct warnings into the validation report beside the cdk-nag findings, so none goes unseen. */
  '@aws-cdk/core:annotationsInValidationReport': true,
  /** Fails synthesis on CloudFormation schema errors found by the built-in template validation. */
  '@aws-cdk/core:validateAgainstDefaultRules': true,
} as const;
