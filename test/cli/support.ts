import { vi } from 'vitest';
import { main } from '../../cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `talent-sync ARGS` in this process and returns its exit code and what it printed. */
export async function runCli(args: string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts) => {
    stdout.push(`${parts.join(' ')}\n`);
  });
  const error = vi.spyOn(console, 'error').mockImplementation((...parts) => {
    stderr.push(`${parts.join(' ')}\n`);
  });
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
  const writeError = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'talent-sync', ...args]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
    writeError.mockRestore();
  }
}
