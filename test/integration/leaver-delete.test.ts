import { afterAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { deliver, EMAIL, startWithPolicy } from './leaver-policy-support';

let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.close();
});

describe('delete leaver policy through the local stack', () => {
  it('deletes the Talent user of a leaver', async () => {
    stack = await startWithPolicy('delete');
    await deliver(stack, 'employee.hired', '2026-09-01T12:00:00Z');
    expect(stack.simulator.users().map((user) => user.email)).toContain(EMAIL);

    await deliver(stack, 'employee.terminated', '2026-10-01T12:00:00Z');

    expect(stack.simulator.users().map((user) => user.email)).not.toContain(EMAIL);
    expect(await stack.deadLetterCount()).toBe(0);
  });
});
