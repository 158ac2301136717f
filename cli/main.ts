import { Command, CommanderError } from 'commander';
import { ConfigError } from '../lib/config/errors';
import { registerConfigCommand } from './commands/config';
import { registerDlqCommand } from './commands/dlq';
import { registerDoctorCommand } from './commands/doctor';
import { registerReconcileCommand } from './commands/reconcile';
import { registerReplayCommand } from './commands/replay';
import { registerReportCommand } from './commands/report';
import { registerStatusCommand } from './commands/status';
import { CliError } from './errors';

/**
 * Builds the `talent-sync` command. Each subcommand lives in `cli/commands/` and registers itself here;
 * commands print a readable table by default and JSON with `--json`.
 */
export function buildProgram(): Command {
  const program = new Command('talent-sync')
    .description(
      'Operate Talent Sync: reconcile rosters, run reports, inspect queues, on AWS or the local stack.',
    )
    .showHelpAfterError('(run with --help for the options)')
    .exitOverride();

  registerReconcileCommand(program);
  registerConfigCommand(program);
  registerDlqCommand(program);
  registerDoctorCommand(program);
  registerReplayCommand(program);
  registerReportCommand(program);
  registerStatusCommand(program);
  return program;
}

/** Runs the CLI and returns the process exit code: 0 on success, 1 on a failed operation, 2 on bad usage. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the help or the usage error already.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError || error instanceof CliError) {
      console.error(error.message);
      return error instanceof CliError ? error.exitCode : 2;
    }
    console.error(`talent-sync failed: ${(error as Error).message}`);
    return 1;
  }
}
