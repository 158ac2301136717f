import { TalentApiError } from '../talent/errors';
import type { ChangeContext, ChangeResult } from './change';
import { knownUser, userSnapshot } from './upsert';

/**
 * Applies the configured termination action to a leaver. The user is looked up by the event's
 * address first and then by the one the state table recorded, because a leaver's HRIS record may
 * carry a changed address or none at all.
 */
export async function applyLeaver(context: ChangeContext): Promise<ChangeResult> {
  const { event, previous, config } = context;
  const addresses = distinctAddresses([event.person.email, previous?.email]);
  const managedGroups = previous?.managedGroups ?? [];

  if (config.roster.terminationAction === 'ignore') {
    return {
      outcome: 'ignored',
      reason: 'terminationAction is "ignore", so the Talent user is left as it is',
      email: addresses[0],
      managedGroups,
    };
  }
  if (addresses.length === 0) {
    return {
      outcome: 'unchanged',
      reason: 'no e-mail is known for this person, so no Talent user can be found',
      managedGroups,
    };
  }

  if (config.roster.terminationAction === 'delete') return deleteUser(context, addresses);
  return deactivateUser(context, addresses, managedGroups);
}

async function deactivateUser(
  context: ChangeContext,
  addresses: readonly string[],
  managedGroups: string[],
): Promise<ChangeResult> {
  const known = await deactivateKnownUser(context, addresses, managedGroups);
  if (known) return known;
  for (const address of addresses) {
    const user = await context.talent.getUser(address);
    if (!user) continue;

    const before = userSnapshot(user);
    if (user.status === 'Disabled') {
      return {
        outcome: 'unchanged',
        reason: 'the Talent user is already Disabled',
        email: user.email,
        managedGroups,
        before,
        after: before,
      };
    }
    await context.talent.updateUser(user.email, { status: 'Disabled' });
    return {
      outcome: 'deactivated',
      email: user.email,
      managedGroups,
      before,
      after: { ...before, status: 'Disabled' },
    };
  }
  return {
    outcome: 'unchanged',
    reason: "no Talent user has the person's e-mail",
    email: addresses[0],
    managedGroups,
  };
}

/**
 * Deactivates without a lookup when the state table records the user as active under the only address
 * the event names. Returns undefined when a lookup is needed instead, also when Talent no longer has
 * the user (404).
 */
async function deactivateKnownUser(
  context: ChangeContext,
  addresses: readonly string[],
  managedGroups: string[],
): Promise<ChangeResult | undefined> {
  const { previous } = context;
  if (!knownUser(previous) || addresses.length !== 1) return undefined;
  try {
    await context.talent.updateUser(previous.email, { status: 'Disabled' });
  } catch (error) {
    if (error instanceof TalentApiError && error.status === 404) return undefined;
    throw error;
  }
  const before = {
    email: previous.email,
    role: previous.talent.role,
    ...(previous.talent.name ? { name: previous.talent.name } : {}),
  };
  return {
    outcome: 'deactivated',
    email: previous.email,
    managedGroups,
    before,
    after: { ...before, status: 'Disabled' },
  };
}

/** Deletes without a lookup first: a 404 means there is nothing to delete under that address. */
async function deleteUser(context: ChangeContext, addresses: readonly string[]): Promise<ChangeResult> {
  for (const address of addresses) {
    try {
      await context.talent.deleteUser(address);
      return { outcome: 'deleted', email: address, managedGroups: [], before: { email: address } };
    } catch (error) {
      if (!(error instanceof TalentApiError && error.status === 404)) throw error;
    }
  }
  return {
    outcome: 'unchanged',
    reason: "no Talent user has the person's e-mail",
    email: addresses[0],
    managedGroups: [],
  };
}

function distinctAddresses(addresses: readonly (string | undefined)[]): string[] {
  const result: string[] = [];
  for (const address of addresses) {
    if (address && !result.some((known) => known.toLowerCase() === address.toLowerCase()))
      result.push(address);
  }
  return result;
}
