import { runtimeConfig } from '../config/runtime';
import type { ApplyDependencies, RosterLogger } from './apply';
import { createAuditStore } from './audit';
import { KnownGroups } from './groups';
import { createParkedEventStore } from './parked';
import { createStateStore } from './state';
import { createRosterTalentClient } from './talent';

/**
 * Builds what the apply function needs from the runtime config and the environment: the Talent
 * client, the state table with its parked events, the audit table, and the cache of known groups
 * that lives as long as the warm function.
 */
export async function createApplyDependencies(logger: RosterLogger): Promise<ApplyDependencies> {
  const config = await runtimeConfig();
  return {
    config,
    talent: createRosterTalentClient(config),
    state: createStateStore(),
    parked: createParkedEventStore(),
    audit: createAuditStore({ retentionDays: config.roster.auditRetentionDays }),
    logger,
    knownGroups: new KnownGroups(),
  };
}
