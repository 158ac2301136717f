import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../../lib/config/cron';

describe('cronProblem', () => {
  it.each([
    'cron(0 6 * * ? *)',
    'cron(30 5 ? * MON *)',
    'cron(0 6 ? * MON-FRI *)',
    'cron(0/15 8-17 ? * 2-6 *)',
    'cron(0 12 L * ? *)',
    'cron(0 9 15W * ? *)',
    'cron(0 9 ? * 3#2 *)',
    'cron(0 9 ? * 6L *)',
    'cron(0 0 1 JAN,JUL ? 2027-2030)',
  ])('accepts %s', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['0 6 * * ? *', 'must look like'],
    ['cron(0 6 * * ?)', 'must have six fields'],
    ['cron(banana 6 * * ? *)', 'minutes "banana" is not valid'],
    ['cron(0 24 * * ? *)', 'hours "24" is not valid'],
    ['cron(0 6 32 * ? *)', 'day-of-month "32" is not valid'],
    ['cron(0 6 * 13 ? *)', 'month "13" is not valid'],
    ['cron(0 6 ? * FUNDAY *)', 'day-of-week "FUNDAY" is not valid'],
    ['cron(0 6 * * MON *)', 'exactly one of day-of-month'],
    ['cron(0 6 ? * ? *)', 'exactly one of day-of-month'],
    ['cron(? 6 * * ? *)', 'minutes cannot be "?"'],
    ['cron(0 6 * * ? 1969)', 'year "1969" is not valid'],
    ['cron(0 9-5 * * ? *)', 'hours "9-5" is not valid'],
  ])('rejects %s', (expression, reason) => {
    expect(cronProblem(expression)).toContain(reason);
  });
});
