import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config/schema';
import { maskEmail } from '../../runtime/logger';
import { getSecretValue } from '../../runtime/secrets';
import type { RosterLogger } from '../apply';
import type { ReconcileAuditSink } from './audit';
import { createReconcileTalentClient } from './client';
import { RosterFileError } from './errors';
import { brakeMessage, planCounts } from './format';
import { runReconcile } from './run';
import { type PlanDocument, ROSTER_INBOX_PREFIX, readRosterObject, writePlanObjects } from './s3';
import { parseRosterBytes } from './sources/files';
import { readKnownEmails } from './talent';

export interface ReconcileObjectOptions {
  s3: S3Client;
  bucket: string;
  /** The decoded object key, under `roster/inbox/`. */
  key: string;
  config: Config;
  logger: RosterLogger;
  /** The state table whose addresses count as managed; absent leaves only the domain rule. */
  stateTable?: string;
  /** Records each applied change; absent records nothing. */
  audit?: ReconcileAuditSink;
}

export interface ReconcileObjectResult {
  key: string;
  status: PlanDocument['status'] | 'ignored' | 'invalid';
  runId?: string;
  planKeys?: { json: string; text: string };
  reason?: string;
}

/**
 * Reconciles one uploaded roster object: `.zip` as OneRoster, anything else as a column-mapped CSV.
 * It writes the plan beside the inbox under `roster/plans/`, and applies it only when
 * `roster.reconcile.mode` is `apply` and the deactivation brake allows, because an upload cannot be
 * forced. An unreadable file is logged and not retried, since a retry reads the same bytes.
 */
export async function reconcileObject(options: ReconcileObjectOptions): Promise<ReconcileObjectResult> {
  const { s3, bucket, key, config, logger } = options;
  if (!key.startsWith(ROSTER_INBOX_PREFIX) || key.endsWith('/')) {
    logger.warn('Ignored an object outside the roster inbox', { key });
    return { key, status: 'ignored', reason: `only objects under ${ROSTER_INBOX_PREFIX} are reconciled` };
  }

  const bytes = await readRosterObject(s3, bucket, key);
  let snapshot: Awaited<ReturnType<typeof parseRosterBytes>>;
  try {
    snapshot = await parseRosterBytes(key.slice(key.lastIndexOf('/') + 1), bytes, config);
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    logger.error('Roster file is invalid', { key, reason: error.message });
    return { key, status: 'invalid', reason: error.message };
  }

  const { talent, requests } = createReconcileTalentClient(config, () =>
    getSecretValue(config.talent.tokenSecretName),
  );
  const knownEmails = options.stateTable ? await readKnownEmails(options.stateTable) : new Set<string>();
  const outcome = await runReconcile({
    snapshot,
    config,
    talent,
    knownEmails,
    apply: config.roster.reconcile.mode === 'apply',
    ...(options.audit ? { audit: options.audit } : {}),
  });

  const document: PlanDocument = {
    status: outcome.status,
    roster: `s3://${bucket}/${key}`,
    talentRequests: requests(),
    plan: outcome.plan,
    ...(outcome.result ? { result: outcome.result } : {}),
  };
  const planKeys = await writePlanObjects(s3, bucket, document);

  const logFields = {
    key,
    runId: outcome.plan.runId,
    status: outcome.status,
    talentRequests: requests(),
    ...planCounts(outcome.plan),
  };
  if (outcome.status === 'braked') logger.warn(brakeMessage(outcome.plan), logFields);
  else logger.info('Roster reconciled', logFields);
  for (const failure of outcome.result?.failures ?? []) {
    logger.error('Reconcile change failed', {
      runId: outcome.plan.runId,
      row: failure.row,
      employeeId: failure.employeeId,
      email: maskEmail(failure.email),
      change: failure.change,
      reason: failure.reason,
    });
  }
  return { key, status: outcome.status, runId: outcome.plan.runId, planKeys };
}
