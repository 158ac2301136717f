import type { ReplayResult } from './replay';
import type { LocalStack, ReportRunResult } from './stack';

/**
 * Prints what the local run did: the endpoints, each replayed delivery, the Talent users and groups
 * that resulted, and each report run. Returns true when everything succeeded.
 */
export async function printSummary(
  stack: LocalStack,
  replay: ReplayResult | undefined,
  reports: ReportRunResult[],
): Promise<boolean> {
  const { endpoints } = stack;
  console.log('Local endpoints (also in .local/endpoints.json):');
  console.log(JSON.stringify(endpoints, null, 2));

  let ok = true;
  if (replay) {
    console.log('\nReplayed webhooks:');
    for (const delivery of replay.deliveries) {
      console.log(`  ${delivery.status ?? '---'}  ${delivery.file}  ${delivery.detail}`);
      if (delivery.status !== undefined && delivery.status >= 300) ok = false;
    }
  }

  const users = stack.simulator.users();
  console.log(`\nTalent users in the simulator (${users.length}):`);
  for (const user of users) {
    console.log(
      `  ${user.email.padEnd(40)} ${user.role.padEnd(8)} ${user.status.padEnd(9)} ${user.groups.join(', ')}`,
    );
  }
  console.log(
    `Talent groups: ${stack.simulator
      .groups()
      .map((group) => group.name)
      .join(', ')}`,
  );

  const deadLetters = await stack.deadLetterCount();
  console.log(`\nRoster DLQ messages: ${deadLetters}`);
  if (deadLetters > 0) ok = false;

  if (reports.length > 0) {
    console.log('\nReport runs:');
    for (const report of reports) {
      if (report.ok) {
        const output = report.output ?? {};
        console.log(
          `  ok      ${report.schedule}  s3://${stack.bucket}/${output.key}  (${output.rows} rows, ${output.bytes} bytes)`,
        );
      } else {
        console.log(`  FAILED  ${report.schedule}  ${report.error}`);
        ok = false;
      }
    }
  }

  if (!replay && reports.length === 0) {
    console.log('\nNothing was replayed or run (--no-examples).');
  } else {
    console.log(ok ? '\nAll steps succeeded.' : '\nSome steps failed; see above.');
  }
  return ok;
}
