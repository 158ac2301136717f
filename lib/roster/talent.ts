import type { Config } from '../config/schema';
import { getSecretValue } from '../runtime/secrets';
import { createTalentClient, type TalentClient } from '../talent/client';

/** The Talent operations that applying a roster event uses. */
export type RosterTalent = Pick<
  TalentClient,
  'getUser' | 'createUser' | 'updateUser' | 'deleteUser' | 'findGroup' | 'createGroup'
>;

/**
 * Creates the Talent client of the apply function from the deployment config. The token is read from
 * Secrets Manager on demand, so a rotated token is picked up once the secret cache expires.
 */
export function createRosterTalentClient(config: Config): TalentClient {
  const { baseUrl, tokenSecretName, timeoutMs, maxRetries, requestsPerSecond } = config.talent;
  return createTalentClient({
    baseUrl,
    token: () => getSecretValue(tokenSecretName),
    timeoutMs,
    maxRetries,
    requestsPerSecond,
  });
}

/** Wraps a Talent client so that every operation called through it is counted. */
export function countTalentCalls(talent: RosterTalent): { talent: RosterTalent; calls(): number } {
  let calls = 0;
  const counted = <Args extends unknown[], Result>(operation: (...args: Args) => Promise<Result>) => {
    return (...args: Args): Promise<Result> => {
      calls += 1;
      return operation(...args);
    };
  };
  return {
    talent: {
      getUser: counted(talent.getUser.bind(talent)),
      createUser: counted(talent.createUser.bind(talent)),
      updateUser: counted(talent.updateUser.bind(talent)),
      deleteUser: counted(talent.deleteUser.bind(talent)),
      findGroup: counted(talent.findGroup.bind(talent)),
      createGroup: counted(talent.createGroup.bind(talent)),
    },
    calls: () => calls,
  };
}
