import type { Config, ScheduleConfig } from '../config/schema';
import { UnknownScheduleError } from './errors';

/*
 * Schedule lookup lives apart from `request.ts`: report-start and report-save only look a schedule up,
 * and importing `request.ts` would build its filter option schemas in their cold start.
 */

/** Returns the configured schedule with this name; throws UnknownScheduleError naming it otherwise. */
export function findSchedule(reports: Pick<Config['reports'], 'schedules'>, name: string): ScheduleConfig {
  const schedule = reports.schedules.find((entry) => entry.name === name);
  if (!schedule) {
    throw new UnknownScheduleError(
      name,
      reports.schedules.map((entry) => entry.name),
    );
  }
  return schedule;
}
