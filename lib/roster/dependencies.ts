import { runtimeConfig } from '../config/load';
import type { ApplyDependencies, RosterLogger } from './apply';
import { KnownGroups } from './groups';
import { createStateStore } from './state';
import { createRosterTalentClient } from './talent';

/**
 * Builds what the apply function needs from the runtime config and the environment: the Talent
 * client, the state table, and the cache of known groups that lives as long as the warm function.
 */
export function createApplyDependencies(logger: RosterLogger): ApplyDependencies {
  const config = runtimeConfig();
  return {
    config,
    talent: createRosterTalentClient(config),
    state: createStateStore(),
    logger,
    knownGroups: new KnownGroups(),
  };
}
