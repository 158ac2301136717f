import type { Config } from '../config/schema';
import type { AuditUserSnapshot } from './audit';
import type { RosterEvent } from './event';
import type { KnownGroups } from './groups';
import type { AppliedUser, PersonState } from './state';
import type { RosterTalent } from './talent';

/** The inputs for applying one event once the duplicate and stale checks have passed. */
export interface ChangeContext {
  event: RosterEvent;
  /** The state table's item for the person, if an earlier event was applied. */
  previous: PersonState | undefined;
  talent: RosterTalent;
  config: Config;
  knownGroups?: KnownGroups;
}

/** The change one event made in Talent, and the facts the state table records about it. */
export interface ChangeResult {
  outcome: 'created' | 'updated' | 'unchanged' | 'deactivated' | 'deleted' | 'ignored';
  reason?: string;
  /** The person's Talent address after the change, when one is known. */
  email?: string;
  /** The managed groups the sync gave the user. */
  managedGroups: string[];
  /** The Talent user before the change, when one was found. */
  before?: AuditUserSnapshot;
  /** The Talent user after the change, when it was written. */
  after?: AuditUserSnapshot;
  /** An update that made a Disabled user Active again. */
  reactivated?: boolean;
  /** An update that moved the user to a new address. */
  emailChanged?: boolean;
  /** The role and name the Talent user has after an upsert, for the state table. */
  talent?: AppliedUser;
}
