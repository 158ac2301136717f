import { isRetryable, TalentApiError } from '../talent/errors';
import { groupKey } from './rules';
import type { RosterTalent } from './talent';

/** Minutes a group name stays known to exist before Talent is asked again. */
const DEFAULT_KNOWN_GROUP_MINUTES = 5;

/**
 * Group names known to exist in Talent, kept by a warm function between events so that a wave of
 * hires into the same school looks that group up once. A group deleted in Talent meanwhile makes
 * the next write fail with 400, so the caller then forgets the names and checks them again.
 */
export class KnownGroups {
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly ttlMs = DEFAULT_KNOWN_GROUP_MINUTES * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  has(name: string): boolean {
    const expiresAt = this.expiry.get(groupKey(name));
    return expiresAt !== undefined && expiresAt > this.now();
  }

  add(name: string): void {
    this.expiry.set(groupKey(name), this.now() + this.ttlMs);
  }

  forget(names: readonly string[]): void {
    for (const name of names) this.expiry.delete(groupKey(name));
  }
}

/**
 * Makes sure each named group exists in Talent, creating the missing ones. Returns true when at least
 * one name was taken from `known` without asking Talent, so a failed write may be worth one retry
 * after `known.forget`.
 *
 * A group is created without a lookup first: one call either way, because a 409 means it exists.
 * Only when Talent rejects the create for another reason (a token that may not create groups) is
 * the group looked up, and the rejection is raised when the group is missing.
 */
export async function ensureGroups(
  names: readonly string[],
  talent: Pick<RosterTalent, 'findGroup' | 'createGroup'>,
  known?: KnownGroups,
): Promise<boolean> {
  let usedKnown = false;
  for (const name of names) {
    if (known?.has(name)) {
      usedKnown = true;
      continue;
    }
    await createGroupIfMissing(name, talent);
    known?.add(name);
  }
  return usedKnown;
}

async function createGroupIfMissing(
  name: string,
  talent: Pick<RosterTalent, 'findGroup' | 'createGroup'>,
): Promise<void> {
  try {
    await talent.createGroup(name);
  } catch (error) {
    if (!(error instanceof TalentApiError) || isRetryable(error)) throw error;
    // 409: the group exists, created earlier or by another worker meanwhile, which is the goal.
    if (error.status === 409) return;
    if (await talent.findGroup(name)) return;
    throw error;
  }
}
