/**
 * Environment variables that the CDK stack sets on the functions and the local stack sets for the
 * in-process handlers. Only resource names and paths go here; the config travels in the code asset.
 */
export const ENV = {
  /** URL of the SQS FIFO queue that the webhook function fills and the apply function drains. */
  rosterQueueUrl: 'ROSTER_QUEUE_URL',
  /** Name of the DynamoDB table with the last applied change per person. */
  stateTableName: 'STATE_TABLE_NAME',
  /** Name of the DynamoDB table with the roster audit trail: what the sync did to whom, and why. */
  auditTableName: 'AUDIT_TABLE_NAME',
  /** Name of the S3 bucket that receives report CSVs and manifests. */
  reportBucket: 'REPORT_BUCKET',
  /** `false` turns off the SHA-256 checksums on report writes, for local S3 servers that mishandle them. */
  reportS3Checksums: 'REPORT_S3_CHECKSUMS',
  /** ARN of the report state machine that the report-start function starts executions of. */
  reportStateMachineArn: 'REPORT_STATE_MACHINE_ARN',
  /** Local mode only: a config file to use instead of the config bundled into the code asset. */
  configFile: 'TALENT_SYNC_CONFIG_FILE',
  /** Local mode only: a JSON file mapping secret names to values, standing in for Secrets Manager. */
  secretsFile: 'TALENT_SYNC_SECRETS_FILE',
} as const;

/** Returns the variable's value, or throws an error that names the missing variable. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `Environment variable ${name} is not set. The CDK stack sets it on deployed functions; ` +
        'in local mode the local stack sets it.',
    );
  }
  return value;
}
