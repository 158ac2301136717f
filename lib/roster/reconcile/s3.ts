import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ApplyResult } from './apply';
import { formatPlanText } from './format';
import type { ReconcilePlan } from './plan';

/** Roster snapshots are uploaded under this prefix; the bucket notifies the reconcile function. */
export const ROSTER_INBOX_PREFIX = 'roster/inbox/';
/** Plans are written under this prefix as `<runId>.json` and `<runId>.txt`. */
export const ROSTER_PLANS_PREFIX = 'roster/plans/';

/** Returns the S3 keys of a run's plan. */
export function planKeys(runId: string): { json: string; text: string } {
  return { json: `${ROSTER_PLANS_PREFIX}${runId}.json`, text: `${ROSTER_PLANS_PREFIX}${runId}.txt` };
}

/**
 * Decodes the object key of an S3 event record, where spaces arrive as `+` and other characters
 * percent-encoded.
 */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** Reads a whole roster object. A roster of 10,000 rows is a few megabytes, which fits in memory. */
export async function readRosterObject(s3: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`S3 object s3://${bucket}/${key} has no body`);
  return object.Body.transformToByteArray();
}

/** The JSON document a run writes: the plan, the outcome and, when applied, the result. */
export interface PlanDocument {
  status: 'planned' | 'braked' | 'applied';
  /** The roster object or file the plan came from. */
  roster: string;
  /** HTTP requests sent to Talent, retries included. */
  talentRequests: number;
  plan: ReconcilePlan;
  result?: ApplyResult;
}

/** Writes the plan as JSON and as a text summary beside it; returns the two keys. */
export async function writePlanObjects(
  s3: S3Client,
  bucket: string,
  document: PlanDocument,
): Promise<{ json: string; text: string }> {
  const keys = planKeys(document.plan.runId);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.json,
      Body: `${JSON.stringify(document, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.text,
      Body: formatPlanText(document.plan, document.result),
      ContentType: 'text/plain; charset=utf-8',
    }),
  );
  return keys;
}
