import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { runtimeConfig } from '../../lib/config/runtime';
import { createAuditStore } from '../../lib/roster/audit';
import { type ReconcileObjectResult, reconcileObject } from '../../lib/roster/reconcile/object';
import { decodeEventKey } from '../../lib/roster/reconcile/s3';
import { ENV } from '../../lib/runtime/environment';
import { createLogger } from '../../lib/runtime/logger';

const logger = createLogger('roster-reconcile');
const s3 = new S3Client({});

/** Reconciles each roster uploaded to `roster/inbox/` and writes its plan under `roster/plans/`. */
async function reconcileUploads(event: S3Event): Promise<ReconcileObjectResult[]> {
  const config = await runtimeConfig();
  const stateTable = process.env[ENV.stateTableName];
  const auditTable = process.env[ENV.auditTableName];
  const audit = auditTable
    ? createAuditStore({ tableName: auditTable, retentionDays: config.roster.auditRetentionDays })
    : undefined;

  const results: ReconcileObjectResult[] = [];
  for (const record of event.Records) {
    const key = decodeEventKey(record.s3.object.key);
    logger.appendKeys({ key });
    results.push(
      await reconcileObject({
        s3,
        bucket: record.s3.bucket.name,
        key,
        config,
        logger,
        ...(stateTable ? { stateTable } : {}),
        ...(audit ? { audit } : {}),
      }),
    );
  }
  return results;
}

export const handler = middy(reconcileUploads).use(injectLambdaContext(logger, { resetKeys: true }));
