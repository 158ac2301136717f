import { readFileSync } from 'node:fs';
import { ConfigError } from './errors';
import { explainIssue } from './explain-issue';
import { type Config, configSchema } from './schema';

/**
 * Validates a parsed config object and returns it with defaults filled in.
 * Throws a ConfigError whose message names each invalid field by its path, for example
 * `reports.schedules[0].email: is required for videoUsage: set it to ...`.
 */
export function parseConfig(value: unknown, origin = 'config'): Config {
  const result = configSchema.safeParse(value, { error: explainIssue });
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new ConfigError(`Invalid ${origin}:\n  - ${problems.join('\n  - ')}`, problems);
}

/** Reads and validates a config file; errors name the file and the field. */
export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  return parseConfig(value, `config file ${path}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      return index === 0 ? String(part) : `.${String(part)}`;
    })
    .join('');
}
