import { SQSClient } from '@aws-sdk/client-sqs';
import type { Command } from 'commander';
import { createAuditStore } from '../../lib/roster/audit';
import {
  type DeadLetter,
  type DeleteDeadLettersResult,
  deleteDeadLetters,
  listDeadLetters,
  type RedriveResult,
  redriveDeadLetters,
} from '../../lib/roster/dead-letters';
import { ENV } from '../../lib/runtime/environment';
import { applyLocalEnvironment, readLocalEndpoints } from '../../local/environment';
import { CliError } from '../errors';
import { DEFAULT_STACK_NAME, readStackOutputs } from '../target';

export interface DlqCommandOptions {
  json?: boolean;
  local?: boolean;
  localDir: string;
  queueUrl?: string;
  dlqUrl?: string;
  auditTable?: string;
  stackOutputs?: string;
  stackName: string;
}

export interface RedriveCommandOptions extends DlqCommandOptions {
  all?: boolean;
  eventId?: string[];
  /** Use the receive, send and delete loop on AWS too, instead of StartMessageMoveTask. */
  loop?: boolean;
}

export interface DeleteCommandOptions extends DlqCommandOptions {
  all?: boolean;
  eventId?: string[];
  /** Confirms `--all`, which deletes every message for good. */
  yes?: boolean;
}

/** The queues and tables a dlq command works on. */
export interface DlqTargets {
  sqs: SQSClient;
  queueUrl?: string;
  deadLetterQueueUrl: string;
  auditTable?: string;
  local: boolean;
}

/** Registers `talent-sync dlq list`, `talent-sync dlq redrive` and `talent-sync dlq delete`. */
export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description(
      'Inspect, redrive or delete the messages of the roster dead-letter queue (events that failed 5 times)',
    );

  const shared = (command: Command) =>
    command
      .option('--json', 'print JSON instead of a table')
      .option('--local', 'use the local stack that "npm start" runs')
      .option('--local-dir <dir>', 'folder of the local stack state, with endpoints.json', '.local')
      .option('--queue-url <url>', 'roster queue URL (default: ROSTER_QUEUE_URL)')
      .option('--dlq-url <url>', 'roster dead-letter queue URL (default: ROSTER_DLQ_URL)')
      .option('--audit-table <name>', 'roster audit table, for failure reasons (default: AUDIT_TABLE_NAME)')
      .option(
        '--stack-outputs <file>',
        'outputs file written by "cdk deploy --outputs-file FILE", for the queue URLs',
      )
      .option('--stack-name <name>', 'stack in the outputs file', DEFAULT_STACK_NAME);

  shared(
    dlq
      .command('list')
      .description('List dead-letter messages with their first failure reason')
      .addHelpText(
        'after',
        '\nFAILED ATTEMPTS counts the failed audit entries of the event, one per apply attempt that failed;\n' +
          '"-" means no audit table or a body that is not a roster event. --json also prints receiveCount,\n' +
          "SQS's receive count, which every listing raises as well.",
      ),
  ).action(async (options: DlqCommandOptions) => {
    await dlqListCommand(options);
  });

  shared(
    dlq
      .command('redrive')
      .description('Move dead-letter messages back to the roster queue')
      .option('--all', 'redrive every message')
      .option('--event-id <id...>', 'redrive only the messages of these event ids')
      .option('--loop', 'on AWS, move messages one by one instead of with an SQS message move task'),
  ).action(async (options: RedriveCommandOptions) => {
    await dlqRedriveCommand(options);
  });

  shared(
    dlq
      .command('delete')
      .description(
        'Delete dead-letter messages for good, for a person who is gone from the provider; prints what it deleted',
      )
      .option(
        '--event-id <id...>',
        'delete only the messages of these event ids; an unknown id deletes nothing',
      )
      .option('--all', 'delete every message (needs --yes)')
      .option('--yes', 'confirm --all'),
  ).action(async (options: DeleteCommandOptions) => {
    await dlqDeleteCommand(options);
  });
}

/** Prints the dead letters; exits 0 whether or not the queue is empty. */
export async function dlqListCommand(options: DlqCommandOptions): Promise<DeadLetter[]> {
  const targets = resolveTargets(options);
  const auditTable = targets.auditTable;
  const letters = await listDeadLetters({
    sqs: targets.sqs,
    deadLetterQueueUrl: targets.deadLetterQueueUrl,
    ...(auditTable ? { audit: createAuditStore({ tableName: auditTable }) } : {}),
  });
  console.log(options.json ? JSON.stringify(letters, null, 2) : formatDeadLetters(letters));
  return letters;
}

/** Redrives all or the named messages; a named event id that is not in the queue fails with exit 1. */
export async function dlqRedriveCommand(options: RedriveCommandOptions): Promise<RedriveResult> {
  const eventIds = eventSelection(options);
  const targets = resolveTargets(options);
  if (!targets.queueUrl) {
    throw new CliError(
      'No roster queue: pass --queue-url URL (the RosterQueueUrl stack output), or --local.',
      2,
    );
  }

  const result = await redriveDeadLetters({
    sqs: targets.sqs,
    deadLetterQueueUrl: targets.deadLetterQueueUrl,
    sourceQueueUrl: targets.queueUrl,
    ...(eventIds ? { eventIds } : {}),
    // local-aws-sqs has no message move tasks, so the local stack always uses the loop.
    preferMoveTask: !targets.local && options.loop !== true,
  });

  if (options.json) console.log(JSON.stringify(result, null, 2));
  else console.log(formatRedrive(result));
  if (result.notFound.length > 0) {
    throw new CliError(
      `No dead-letter message carries the event ids ${result.notFound.join(', ')}: check them with "talent-sync dlq list".`,
      1,
    );
  }
  return result;
}

/**
 * Deletes the named messages, or all of them with `--all --yes`, and prints their ids and masked
 * e-mails. A named event id that is not in the queue deletes nothing and fails with exit 1.
 */
export async function dlqDeleteCommand(options: DeleteCommandOptions): Promise<DeleteDeadLettersResult> {
  const eventIds = eventSelection(options);
  if (!eventIds && options.yes !== true) {
    throw new CliError(
      'dlq delete --all deletes every dead-letter message for good: add --yes to confirm, or name the ' +
        'events with --event-id.',
      2,
    );
  }
  const targets = resolveTargets(options);

  const result = await deleteDeadLetters({
    sqs: targets.sqs,
    deadLetterQueueUrl: targets.deadLetterQueueUrl,
    ...(eventIds ? { eventIds } : {}),
  });

  if (result.notFound.length > 0) {
    throw new CliError(
      `No dead-letter message carries the event ids ${result.notFound.join(', ')}, so nothing was ` +
        'deleted: check the ids with "talent-sync dlq list".',
      1,
    );
  }
  console.log(options.json ? JSON.stringify(result, null, 2) : formatDeleted(result));
  return result;
}

/** Returns the ids of `--event-id`, or undefined for `--all`. Exactly one of the two must be given. */
function eventSelection(options: { all?: boolean; eventId?: string[] }): string[] | undefined {
  const eventIds = options.eventId ?? [];
  if ((options.all === true) === eventIds.length > 0) {
    throw new CliError('Pass either --all or --event-id ID (one or more), not both and not neither.', 2);
  }
  return eventIds.length > 0 ? eventIds : undefined;
}

function resolveTargets(options: DlqCommandOptions): DlqTargets {
  if (options.local) {
    const endpoints = readLocalEndpoints(options.localDir);
    applyLocalEnvironment(endpoints);
    return {
      sqs: new SQSClient({}),
      queueUrl: options.queueUrl ?? endpoints.rosterQueueUrl,
      deadLetterQueueUrl: options.dlqUrl ?? endpoints.rosterDeadLetterQueueUrl,
      auditTable: options.auditTable ?? endpoints.auditTable,
      local: true,
    };
  }

  const outputs = options.stackOutputs ? readStackOutputs(options.stackOutputs, options.stackName) : {};
  const deadLetterQueueUrl = options.dlqUrl ?? outputs.rosterDeadLetterQueueUrl ?? process.env.ROSTER_DLQ_URL;
  if (!deadLetterQueueUrl) {
    throw new CliError(
      'No dead-letter queue: pass --dlq-url URL, or --stack-outputs FILE from "cdk deploy --outputs-file ' +
        'FILE", or --local.',
      2,
    );
  }
  const queueUrl = options.queueUrl ?? outputs.rosterQueueUrl ?? process.env[ENV.rosterQueueUrl];
  const auditTable = options.auditTable ?? process.env[ENV.auditTableName];
  return {
    sqs: new SQSClient({}),
    deadLetterQueueUrl,
    ...(queueUrl ? { queueUrl } : {}),
    ...(auditTable ? { auditTable } : {}),
    local: false,
  };
}

/** Formats the dead letters as a table, one per line, or a sentence for an empty queue. */
export function formatDeadLetters(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return 'The roster dead-letter queue is empty.';
  const header = ['EVENT ID', 'SOURCE', 'EMPLOYEE', 'E-MAIL', 'FAILED ATTEMPTS', 'FIRST FAILURE'];
  const rows = letters.map((letter) => [
    ...idCells(letter),
    letter.failedAttempts === undefined ? '-' : String(letter.failedAttempts),
    letter.reason,
  ]);
  return [formatTable(header, rows), '', messageCount(letters.length)].join('\n');
}

/** Formats the deleted messages as a table and a closing count. */
function formatDeleted(result: DeleteDeadLettersResult): string {
  const count = `Deleted ${messageCount(result.deleted.length)} from the roster dead-letter queue.`;
  if (result.deleted.length === 0) return count;
  const rows = result.deleted.map(idCells);
  return [formatTable(['EVENT ID', 'SOURCE', 'EMPLOYEE', 'E-MAIL'], rows), '', count].join('\n');
}

function idCells(letter: Pick<DeadLetter, 'messageId' | 'eventId' | 'source' | 'employeeId' | 'email'>) {
  return [
    letter.eventId ?? `(message ${letter.messageId})`,
    letter.source ?? '-',
    letter.employeeId ?? '-',
    letter.email ?? '-',
  ];
}

function messageCount(count: number): string {
  return `${count} ${count === 1 ? 'message' : 'messages'}`;
}

/** Pads each column but the last to its widest cell, up to 70 characters. */
function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.min(70, Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function formatRedrive(result: RedriveResult): string {
  const lines: string[] = [];
  if (result.fallbackReason) lines.push(`${result.fallbackReason}; moved the messages one by one instead.`);
  if (result.method === 'move-task') {
    lines.push(
      `Started an SQS message move task (${result.taskHandle ?? 'no handle'}); ` +
        'follow it with "aws sqs list-message-move-tasks".',
    );
  } else {
    lines.push(
      `Moved ${result.moved} ${result.moved === 1 ? 'message' : 'messages'} back to the roster queue.`,
    );
  }
  return lines.join('\n');
}
