import type { Config } from '../../config/schema';
import { createTalentClient, type TalentClient } from '../../talent/client';

/** A Talent client that counts the HTTP requests it sends, retries included. */
export interface CountingTalentClient {
  talent: TalentClient;
  requests(): number;
}

/** Creates the Talent client of a reconcile run from the config's limits, counting its requests. */
export function createReconcileTalentClient(
  config: Config,
  token: string | (() => Promise<string>),
): CountingTalentClient {
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests += 1;
    return fetch(input, init);
  };
  const { baseUrl, timeoutMs, maxRetries, requestsPerSecond } = config.talent;
  const talent = createTalentClient({
    baseUrl,
    token,
    timeoutMs,
    maxRetries,
    requestsPerSecond,
    fetch: countingFetch,
  });
  return { talent, requests: () => requests };
}
