/**
 * Checks an EventBridge Scheduler cron expression, `cron(minutes hours day-of-month month day-of-week year)`,
 * field by field, so that a schedule AWS would reject fails at synth time rather than at deploy time.
 * EventBridge requires exactly one of day-of-month and day-of-week to be `?`. `L` and `W` are accepted
 * in day-of-month, and `L` and `#` in day-of-week.
 * Returns undefined when the expression is valid, else the reason.
 */
export function cronProblem(expression: string): string | undefined {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) return 'must look like "cron(0 6 * * ? *)"';

  const fields = (match[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6)
    return `must have six fields (minutes hours day-of-month month day-of-week year), found ${fields.length}`;
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];

  const problems = [
    checkField('minutes', minutes, { min: 0, max: 59 }),
    checkField('hours', hours, { min: 0, max: 23 }),
    checkField('day-of-month', dayOfMonth, { min: 1, max: 31, question: true, last: true, weekday: true }),
    checkField('month', month, { min: 1, max: 12, names: MONTHS }),
    checkField('day-of-week', dayOfWeek, {
      min: 1,
      max: 7,
      names: WEEKDAYS,
      question: true,
      last: true,
      nth: true,
    }),
    checkField('year', year, { min: 1970, max: 2199 }),
  ].filter((problem) => problem !== undefined);
  if (problems.length > 0) return problems.join('; ');

  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return 'exactly one of day-of-month (3rd field) and day-of-week (5th field) must be "?", for example "cron(0 6 ? * MON *)"';
  }
  return undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRules {
  min: number;
  max: number;
  /** Names that stand for min, min + 1, and so on. */
  names?: string[];
  /** `?`: no specific value. */
  question?: boolean;
  /** `L`: the last day of the month, or `5L`, the last Thursday. */
  last?: boolean;
  /** `15W`: the weekday nearest the 15th. */
  weekday?: boolean;
  /** `3#2`: the second Tuesday. */
  nth?: boolean;
}

function checkField(name: string, field: string, rules: FieldRules): string | undefined {
  if (field === '*') return undefined;
  if (field === '?') return rules.question ? undefined : `${name} cannot be "?"`;
  if (rules.last && field === 'L') return undefined;

  for (const part of field.split(',')) {
    if (!isValidPart(part, rules)) {
      return `${name} "${field}" is not valid: use numbers ${rules.min}-${rules.max}${rules.names ? ` or ${rules.names[0]}-${rules.names.at(-1)}` : ''}, ranges (a-b), lists (a,b), steps (a/n) or *`;
    }
  }
  return undefined;
}

function isValidPart(part: string, rules: FieldRules): boolean {
  if (rules.weekday && /^\d{1,2}W$/.test(part)) return inRange(Number.parseInt(part, 10), rules);
  if (rules.last && rules.nth && /^\dL$/.test(part)) return inRange(Number.parseInt(part, 10), rules);
  if (rules.nth && /^\w+#[1-5]$/.test(part)) return fieldValue(part.split('#')[0] ?? '', rules) !== undefined;

  const [range, step] = part.split('/');
  if (step !== undefined && !/^\d+$/.test(step)) return false;
  if (range === '*' && step !== undefined) return true;

  const bounds = (range ?? '').split('-');
  if (bounds.length > 2) return false;
  const values = bounds.map((bound) => fieldValue(bound, rules));
  if (values.some((value) => value === undefined)) return false;
  return values.length === 1 || (values[0] as number) <= (values[1] as number);
}

function fieldValue(token: string, rules: FieldRules): number | undefined {
  const named = rules.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return rules.min + named;
  if (!/^\d+$/.test(token)) return undefined;
  const value = Number.parseInt(token, 10);
  return inRange(value, rules) ? value : undefined;
}

function inRange(value: number, rules: FieldRules): boolean {
  return value >= rules.min && value <= rules.max;
}
