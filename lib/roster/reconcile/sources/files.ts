import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Config } from '../../../config/schema';
import { RosterFileError } from '../errors';
import type { RosterSnapshot } from '../record';
import { parseRosterCsv } from './csv';
import { parseOneRoster, type RosterFiles } from './oneroster';

export type RosterFormat = 'csv' | 'oneroster';

/**
 * Parses roster bytes as uploaded: a `.zip` is a OneRoster bundle, anything else a column-mapped CSV
 * unless `format` sets another.
 */
export async function parseRosterBytes(
  name: string,
  bytes: Uint8Array,
  config: Config,
  format?: RosterFormat,
): Promise<RosterSnapshot> {
  const isZip = extname(name).toLowerCase() === '.zip';
  const chosen = format ?? (isZip ? 'oneroster' : 'csv');
  if (chosen === 'csv') {
    if (isZip) throw new RosterFileError(`${name} is a zip file, but the csv format takes one CSV file`);
    return parseRosterCsv(Buffer.from(bytes), name, config.roster.reconcile.columns);
  }
  const files = isZip ? await unzipBundle(name, bytes) : new Map([[basename(name).toLowerCase(), bytes]]);
  return parseOneRoster(files, name, config.roster.reconcile.oneRosterRoles);
}

/**
 * Reads a roster from disk: a CSV file, a OneRoster folder of CSV files, or a OneRoster `.zip`.
 * A folder is always OneRoster.
 */
export async function readRosterPath(
  path: string,
  config: Config,
  format?: RosterFormat,
): Promise<RosterSnapshot> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (error) {
    throw new RosterFileError(
      `Cannot read the roster ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Check the path.`,
      { cause: error },
    );
  }
  if (!isFolder) return parseRosterBytes(basename(path), await readFile(path), config, format);

  if (format === 'csv') {
    throw new RosterFileError(
      `${path} is a folder; the csv format takes one file (a folder is read as OneRoster)`,
    );
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of await readdir(path)) {
    if (extname(entry).toLowerCase() === '.csv')
      files.set(entry.toLowerCase(), await readFile(join(path, entry)));
  }
  return parseOneRoster(files, basename(path), config.roster.reconcile.oneRosterRoles);
}

/**
 * Unzips a OneRoster bundle. fflate is imported here, on the first zip, because evaluating it builds its
 * decoding tables (an estimated 9 ms of the reconcile function's cold start), and a deployment that
 * uploads CSV files never unzips.
 */
async function unzipBundle(name: string, bytes: Uint8Array): Promise<RosterFiles> {
  const { unzipSync } = await import('fflate');
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (file) => extname(file.name).toLowerCase() === '.csv' });
  } catch (error) {
    throw new RosterFileError(`${name} is not a readable zip file: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(entries)) files.set(basename(path).toLowerCase(), content);
  return files;
}
