import { afterAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack';
import { deliver, EMAIL, startWithPolicy } from './leaver-policy-support';

let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.close();
});

describe('ignore leaver policy through the local stack', () => {
  it('leaves the Talent user of a leaver as it is', async () => {
    stack = await startWithPolicy('ignore');
    await deliver(stack, 'employee.hired', '2026-09-01T12:00:00Z');
    const before = stack.simulator.users().find((user) => user.email === EMAIL);

    await deliver(stack, 'employee.terminated', '2026-10-01T12:00:00Z');

    const after = stack.simulator.users().find((user) => user.email === EMAIL);
    expect(before?.status).toBe('Invited');
    expect(after?.status).toBe('Invited');
    expect(await stack.deadLetterCount()).toBe(0);
  });
});
