import type { TalentRole } from '../config/schema';
import { maskEmail } from '../runtime/logger';
import type { TalentUser } from '../talent/client';
import { TalentApiError } from '../talent/errors';
import type { AuditUserSnapshot } from './audit';
import type { ChangeContext, ChangeResult } from './change';
import { PermanentApplyError } from './errors';
import type { RosterPerson } from './event';
import { ensureGroups } from './groups';
import { reactivatedStatus } from './reactivation';
import { groupKey, managedGroupMatcher, mergeGroups, resolveGroups, resolveRole, sameGroups } from './rules';
import type { AppliedUser, PersonState } from './state';
import type { RosterTalent } from './talent';

type UserChanges = Parameters<RosterTalent['updateUser']>[1];

/** The Talent user a person should be, as the mapping rules derive it from the HRIS record. */
interface DesiredUser {
  role: TalentRole;
  /** Managed groups only; groups assigned by hand are merged in per user. */
  groups: string[];
  name: string | undefined;
}

/**
 * Creates or updates the Talent user of a joiner or a changed person, and moves the user to a new
 * address when the person's e-mail changed. A user who already exists in Talent is adopted: the
 * sync updates it like one it created.
 *
 * The state table saves calls. For a person it never synced, the user is created without a lookup,
 * and a 409 falls back to adopting the existing user. For a person it synced, whose managed groups
 * stay the same, the changed fields are written without a lookup, or nothing is sent when none
 * changed. A changed group list needs the user's current groups, because the update replaces them
 * and groups assigned in Talent by hand must stay.
 */
export async function applyUpsert(context: ChangeContext, email: string): Promise<ChangeResult> {
  const { event, previous, talent, config } = context;
  const desired: DesiredUser = {
    role: resolveRole(event.person, config.roster),
    groups: resolveGroups(event.person, config.roster),
    name: displayName(event.person),
  };

  const known = await updateKnownUser(context, email, desired);
  if (known) return known;
  if (!wasCreated(previous)) return createUser(context, email, desired);

  const user = await talent.getUser(email);

  const oldEmail = previous?.email;
  if (oldEmail && oldEmail.toLowerCase() !== email.toLowerCase()) {
    const moving = await talent.getUser(oldEmail);
    if (moving && user) throw mergeError(context, oldEmail, email);
    if (moving) return updateUser(context, moving, desired, email);
  }

  if (user) return updateUser(context, user, desired);
  return createUser(context, email, desired);
}

/** Tells whether the sync may have given the person a Talent user that a lookup would find. */
function wasCreated(previous: PersonState | undefined): boolean {
  return previous?.email !== undefined && previous.status !== 'deleted' && previous.status !== 'out-of-scope';
}

/**
 * Tells whether the state table records the Talent user as the sync last left it: created or updated,
 * and not a leaver since.
 */
export function knownUser(previous: PersonState | undefined): previous is PersonState & {
  email: string;
  talent: AppliedUser;
} {
  return (
    previous?.email !== undefined &&
    previous.talent !== undefined &&
    (previous.status === 'active' || previous.status === 'leave' || previous.status === 'pending')
  );
}

/**
 * Applies the event from the state table alone when the managed groups stay the same: nothing to
 * send, or one update of the changed fields. Returns undefined when a lookup is needed instead,
 * also when Talent no longer has the user (404).
 */
async function updateKnownUser(
  context: ChangeContext,
  email: string,
  desired: DesiredUser,
): Promise<ChangeResult | undefined> {
  const { previous } = context;
  if (!knownUser(previous) || !sameGroups(desired.groups, previous.managedGroups)) return undefined;

  const changes: UserChanges = {};
  if (desired.name && previous.talent.name !== desired.name) changes.name = desired.name;
  if (previous.talent.role !== desired.role) changes.role = desired.role;
  const moved = previous.email.toLowerCase() !== email.toLowerCase();
  if (moved) changes.email = email;

  const before: AuditUserSnapshot = {
    email: previous.email,
    role: previous.talent.role,
    ...(previous.talent.name ? { name: previous.talent.name } : {}),
    groups: [...previous.managedGroups],
  };
  const applied = { role: desired.role, name: changes.name ?? previous.talent.name };
  const changed = Object.keys(changes);
  if (changed.length === 0) {
    return {
      outcome: 'unchanged',
      reason: 'the state table shows that the Talent user already matches the HRIS record',
      email: previous.email,
      managedGroups: desired.groups,
      before,
      after: before,
      talent: applied,
    };
  }

  try {
    await context.talent.updateUser(previous.email, changes);
  } catch (error) {
    if (error instanceof TalentApiError && error.status === 404) return undefined;
    if (moved && error instanceof TalentApiError && error.status === 409) {
      throw mergeError(context, previous.email, email);
    }
    throw error;
  }
  return {
    outcome: 'updated',
    reason: `changed ${changed.join(', ')}`,
    email,
    managedGroups: desired.groups,
    before,
    after: { ...before, ...changes },
    emailChanged: moved,
    talent: applied,
  };
}

function mergeError(context: ChangeContext, oldEmail: string, email: string): PermanentApplyError {
  return new PermanentApplyError(
    `the person's e-mail changed from ${maskEmail(oldEmail)} to ${maskEmail(email)}, but the new ` +
      'address already belongs to another Talent user, and the sync does not merge users. ' +
      'Remove or rename one of the two users in Talent, then redrive this message.',
    context.event,
  );
}

/** Returns displayName, else first and last name joined, else undefined. */
export function displayName(person: RosterPerson): string | undefined {
  const display = person.displayName?.trim();
  if (display) return display;
  const joined = [person.firstName?.trim(), person.lastName?.trim()].filter(Boolean).join(' ');
  return joined || undefined;
}

async function createUser(
  context: ChangeContext,
  email: string,
  desired: DesiredUser,
): Promise<ChangeResult> {
  const { talent, config } = context;
  const request = {
    email,
    role: desired.role,
    ...(desired.name ? { name: desired.name } : {}),
    ...(config.talent.systemId ? { systemId: config.talent.systemId } : {}),
    suppress_invite: config.roster.suppressInvite,
    ...(desired.groups.length > 0 ? { groups: desired.groups } : {}),
  };

  try {
    await writeWithGroups(context, desired.groups, () => talent.createUser(request));
  } catch (error) {
    if (!(error instanceof TalentApiError && error.status === 409)) throw error;

    // 409: the user appeared since the lookup (created by hand or by a reconcile run), so update it.
    const appeared = await talent.getUser(email);
    if (!appeared) {
      throw new Error(
        `Talent rejected creating ${maskEmail(email)} as existing but then did not find it; ` +
          'the event is retried.',
        { cause: error },
      );
    }
    return updateUser(context, appeared, desired);
  }

  return {
    outcome: 'created',
    email,
    managedGroups: desired.groups,
    after: { email, role: desired.role, name: desired.name, groups: desired.groups },
    talent: { role: desired.role, name: desired.name },
  };
}

/** Returns the audited fields of a Talent user. */
export function userSnapshot(user: TalentUser): AuditUserSnapshot {
  return {
    email: user.email,
    role: user.role,
    name: user.name,
    status: user.status,
    groups: [...user.groups],
  };
}

/**
 * Sends only the fields that differ. A Disabled user is reactivated (a rehire): Active if they had
 * signed in before, else Invited. An Invited user stays Invited, because only accepting the
 * invitation activates a user.
 */
async function updateUser(
  context: ChangeContext,
  user: TalentUser,
  desired: DesiredUser,
  newEmail?: string,
): Promise<ChangeResult> {
  const groups = mergeGroups(user.groups, desired.groups, managedGroupMatcher(context.config.roster));

  const changes: UserChanges = {};
  if (desired.name && user.name !== desired.name) changes.name = desired.name;
  if (user.role !== desired.role) changes.role = desired.role;
  if (!sameGroups(groups, user.groups)) changes.groups = groups;
  if (user.status === 'Disabled') changes.status = reactivatedStatus(user);
  if (newEmail) changes.email = newEmail;

  const before = userSnapshot(user);
  const changed = Object.keys(changes);
  const talent = { role: desired.role, name: changes.name ?? user.name };
  if (changed.length === 0) {
    return {
      outcome: 'unchanged',
      reason: 'the Talent user already matches the HRIS record',
      email: user.email,
      managedGroups: desired.groups,
      before,
      after: before,
      talent,
    };
  }

  const currentKeys = new Set(user.groups.map(groupKey));
  const added = groups.filter((group) => !currentKeys.has(groupKey(group)));
  await writeWithGroups(context, added, () => context.talent.updateUser(user.email, changes));

  return {
    outcome: 'updated',
    reason: `changed ${changed.join(', ')}`,
    email: newEmail ?? user.email,
    managedGroups: desired.groups,
    before,
    after: { ...before, ...changes, groups: changes.groups ?? before.groups },
    reactivated: changes.status !== undefined,
    emailChanged: newEmail !== undefined,
    talent,
  };
}

/**
 * Makes sure the groups exist, then runs the write. When some groups were only known from earlier
 * events and Talent rejects the write with 400, one of them may have been deleted since, so the
 * groups are checked again and the write is sent once more.
 */
async function writeWithGroups<T>(
  context: ChangeContext,
  groups: readonly string[],
  write: () => Promise<T>,
): Promise<T> {
  const { talent, knownGroups } = context;
  const usedKnown = await ensureGroups(groups, talent, knownGroups);
  try {
    return await write();
  } catch (error) {
    const retry = usedKnown && knownGroups && error instanceof TalentApiError && error.status === 400;
    if (!retry) throw error;

    knownGroups.forget(groups);
    await ensureGroups(groups, talent, knownGroups);
    return await write();
  }
}
