import type { Config } from '../../lib/config/schema';
import { hasProviderFake, type ProviderFakes, startProviderFakes } from './server';

/**
 * Starts the provider fakes when the config has sources that look people up in a faked provider API,
 * and returns the config with those sources' `apiBaseUrl` pointed at the fakes. Each fake accepts the
 * credential that the local secrets file stores under the source's `apiSecretName`.
 */
export async function startFakesForConfig(
  config: Config,
  secrets: Record<string, unknown>,
  port = 0,
): Promise<{ fakes: ProviderFakes; config: Config } | undefined> {
  const faked = config.roster.sources.filter(
    (source) => source.apiSecretName !== undefined && hasProviderFake(source.provider),
  );
  if (faked.length === 0) return undefined;

  const fakes = await startProviderFakes({ port });
  for (const source of faked) {
    const credential = secrets[source.apiSecretName ?? ''];
    if (typeof credential !== 'string' || credential.length === 0) {
      await fakes.close();
      throw new Error(
        `The local secrets file has no value for apiSecretName "${source.apiSecretName}" of source "${source.name}": add it.`,
      );
    }
    fakes.allowCredential(source.provider, credential);
  }
  const sources = config.roster.sources.map((source) =>
    faked.includes(source) ? { ...source, apiBaseUrl: fakes.baseUrlFor(source.provider) } : source,
  );
  return { fakes, config: { ...config, roster: { ...config.roster, sources } } };
}
