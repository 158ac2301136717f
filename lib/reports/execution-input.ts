import * as z from 'zod/mini';
import { explainIssue } from '../config/explain-issue';
import { ReportInputError } from './errors';

/**
 * The input of a report run, apart from the run state in `run.ts`: the report-start and report-request
 * functions validate only this, and importing it alone spares them building the run state schema.
 *
 * The report state schemas use zod/mini, which builds a schema without attaching zod's methods to it,
 * so the report functions start faster (measured by `npm run bench -- --only cold-start`). zod/mini
 * loads no message locale, so `explainIssue` writes the messages.
 */

/** The execution input that EventBridge Scheduler or a manual run passes to the state machine. */
export const executionInputSchema = z.object({
  /** The `name` of a schedule in `reports.schedules`. */
  schedule: z.string().check(z.minLength(1)),
  /** The instant the schedule fired, ISO 8601; date ranges and S3 keys are derived from it. */
  scheduledTime: z.iso.datetime({ offset: true }),
});

export type ExecutionInput = z.infer<typeof executionInputSchema>;

/** Validates the state machine's execution input; the error names each invalid field. */
export function parseExecutionInput(value: unknown): ExecutionInput {
  return parseWith(executionInputSchema, value, 'execution input');
}

/** Validates a value against a report state schema; the ReportInputError names each invalid field. */
export function parseWith<T>(schema: z.ZodMiniType<T>, value: unknown, description: string): T {
  const result = schema.safeParse(value, { error: explainIssue });
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `${path}: ${issue.message}`;
  });
  throw new ReportInputError(
    `Invalid ${description}: ${problems.join('; ')}. The state machine passes this object between the report ` +
      'steps; a manual execution must start with {"schedule": "<name>", "scheduledTime": "<ISO 8601>"}.',
    problems,
  );
}
