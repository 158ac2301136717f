import { ConfigError } from '../../../lib/config/errors';
import { parseConfig } from '../../../lib/config/load';

/** Returns the problems `parseConfig` lists for `value`, or none when it accepts the config. */
export function configProblems(value: unknown): readonly string[] {
  try {
    parseConfig(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
