/**
 * Config constants that code outside the config imports. They live apart from the config schemas, which
 * zod builds when their module is evaluated, so a function that needs only a constant builds no schema.
 */

/** The report types that `POST /reports` accepts, from the Talent API V2 reference. */
export const REPORT_TYPES = [
  'systemPerformance',
  'domainsAndDimensions',
  'selfAssessments',
  'goals',
  'videoInteraction',
  'videoUsage',
  'fileUsage',
  'rubricUsage',
  'goalsActivity',
  'goalsCreation',
  'exemplarUsage',
  'forumUsage',
  'forumParticipation',
  'workflowParticipation',
  'observations',
  'coachingFrequency',
  'frequencySnapshot',
  'accountUsage',
  'activityStream',
  'learningPathsStatus',
  'reportBuilder',
] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** Schedule modes: `export` requests a CSV export from Talent, `live` pages the Report Builder data. */
export const REPORT_MODES = ['export', 'live'] as const;
export type ReportMode = (typeof REPORT_MODES)[number];

export const REPORT_ENCRYPTIONS = ['S3_MANAGED', 'KMS'] as const;

/** Person fields a roster CSV column can fill, plus the HRIS id. */
export const ROSTER_COLUMN_FIELDS = [
  'employeeId',
  'email',
  'firstName',
  'lastName',
  'displayName',
  'jobTitle',
  'department',
  'school',
  'location',
  'employeeType',
  'status',
] as const;
export type RosterColumnField = (typeof ROSTER_COLUMN_FIELDS)[number];

/** HRIS fields that role, group and scope rules can match on and that group templates can insert. */
export const PERSON_FIELDS = ['jobTitle', 'department', 'school', 'location', 'employeeType'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** Prefix of a condition key or placeholder that reads a custom attribute, as in `attributes.union`. */
export const ATTRIBUTE_PREFIX = 'attributes.';
