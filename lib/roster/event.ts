import * as z from 'zod';

/**
 * A provider-neutral roster change: what an HRIS adapter produces from one webhook and the apply
 * function consumes from the queue. It carries the person's full current record, not a diff, so
 * applying it is idempotent and an event can be skipped when a newer one was applied already.
 */
/**
 * Text from an HRIS record. Control characters are rejected: they would reach Talent and every log
 * line and CSV cell that shows the value.
 */
function text(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .refine((value) => !hasControlCharacter(value), 'must not contain control characters');
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A work e-mail within the RFC 5321 limits: 64 octets before the @, 254 in all. */
const workEmail = z
  .email()
  .max(254)
  .refine((address) => address.indexOf('@') <= 64, 'must have at most 64 characters before the @');

export const rosterEventSchema = z.strictObject({
  /** Deduplication key: the provider's delivery or event id, or a hash of the signed body. */
  eventId: z.string().min(1).max(128),
  /** The configured source name, from the webhook URL. */
  source: z.string().min(1),
  /**
   * The person's id in the HRIS; with `source` it identifies the person across e-mail changes. At most
   * 80 characters, so that `source#employeeId` fits the 128-character SQS message group id.
   */
  employeeId: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  /**
   * `upsert` creates or updates the Talent user, `terminate` applies the leaver policy, and `delete`
   * records that the HRIS deleted the person, which the apply step also treats as leaving.
   */
  action: z.enum(['upsert', 'terminate', 'delete']),
  /** When the HRIS changed the record (ISO 8601); orders events of one person. */
  occurredAt: z.iso.datetime({ offset: true }),
  /** When this service accepted the delivery (ISO 8601). */
  receivedAt: z.iso.datetime({ offset: true }),
  /**
   * Set by the roster-release function when it sends a parked future hire back to the queue (ISO
   * 8601): the start date has begun, so the apply function creates the user without checking the
   * date against its own clock again.
   */
  releasedAt: z.iso.datetime({ offset: true }).optional(),
  person: z.strictObject({
    /** Work e-mail, lower-cased; absent while the HRIS has none yet. */
    email: workEmail.optional(),
    firstName: text(200).optional(),
    lastName: text(200).optional(),
    displayName: text(400).optional(),
    jobTitle: text(200).optional(),
    department: text(200).optional(),
    school: text(200).optional(),
    location: text(200).optional(),
    employeeType: text(100).optional(),
    /** `pending` is hired with a future start date; `leave` is a leave of absence, not a termination. */
    status: z.enum(['active', 'pending', 'leave', 'inactive']),
    /** First working day (YYYY-MM-DD), when the HRIS sends one. */
    startDate: z.iso.date().optional(),
    terminationDate: z.iso.date().optional(),
    /**
     * Custom HRIS fields by name (at most 50, names of letters, digits, _ and -), for conditions and
     * group templates that read `attributes.<name>`.
     */
    attributes: z
      .record(
        z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
        z.string().max(200),
      )
      .refine((value) => Object.keys(value).length <= 50, 'must have at most 50 attributes')
      .optional(),
  }),
  /**
   * The provider's id of the person, set by providers whose webhooks carry only an id. The apply
   * function fetches the current record from the provider's API under this id and applies it in place
   * of `person`, which then contains only what the webhook knew (at least a status).
   */
  lookup: z.strictObject({ personId: z.string().min(1).max(200) }).optional(),
});

export type RosterEvent = z.infer<typeof rosterEventSchema>;
export type RosterPerson = RosterEvent['person'];

export { messageGroupId } from './group-id';
