import * as z from 'zod';

/**
 * An IANA time zone name, spelt as the tz database spells it. `Intl` accepts any letter case, but
 * EventBridge Scheduler and the date-range arithmetic need the exact name.
 */
export const ianaTimeZone = z.string().superRefine((zone, context) => {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    context.addIssue({
      code: 'custom',
      message: 'must be an IANA time zone name, for example "America/Chicago"',
    });
    return;
  }
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) {
    context.addIssue({
      code: 'custom',
      message: `must be spelt exactly as the tz database spells it: "${resolved}"`,
    });
  }
});
