import type { ProviderKind } from '../config/schema';
import type { RosterEvent } from '../roster/event';
import type { VerificationToken } from './verification';

/** One webhook request as it arrived, before anything parsed it. */
export interface RawDelivery {
  /** Request headers with lower-cased names. */
  headers: Record<string, string>;
  /** The exact body bytes as received; signatures are computed over these, never over re-serialized JSON. */
  body: Buffer;
}

/** The outcome of a signature check; `reason` is safe to return to the sender and never contains a secret. */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Per-source settings for signature checks. */
export interface VerifyOptions {
  /** Seconds a signed timestamp may differ from `now`, in either direction; providers without a timestamp ignore it. Default 300. */
  toleranceSeconds?: number;
  /** The header that carries a static token, for providers that send one instead of a signature. */
  tokenHeader?: string;
}

/** The response to a provider's test or verification request, which is acknowledged and never queued. */
export interface HandshakeReply {
  statusCode: number;
  body: Record<string, unknown>;
  /** A step the operator must take next, written to the delivery's log line; never contains a secret. */
  notice?: string;
  /**
   * A verification token the operator must send back to the provider. The webhook function stores it in
   * the source's pending-verification secret; it is never logged or returned to the sender.
   */
  verification?: VerificationToken;
}

export interface NormalizeContext {
  /** The configured source name, from the webhook URL. */
  source: string;
  delivery: RawDelivery;
  receivedAt: Date;
  /** The source's accepted tenant ids; absent accepts every tenant. Adapters check them with `checkTenant`. */
  tenantIds?: readonly string[];
}

export interface NormalizeResult {
  events: RosterEvent[];
  /** Events that were acknowledged but not turned into roster changes, each with the reason. */
  ignored: { reason: string }[];
}

/** The signature check, handshake and payload mapping of one HRIS provider. */
export interface ProviderAdapter {
  kind: ProviderKind;

  /**
   * Media types the provider posts, lower-case, for example `application/x-www-form-urlencoded`.
   * Absent means `application/json` only. A form body is parsed into an object of its fields.
   */
  contentTypes?: readonly string[];

  /**
   * Checks the delivery's signature against each secret in turn: the current one and, during a rotation,
   * the previous one. Must run on the raw bytes before any parsing.
   */
  verify(delivery: RawDelivery, secrets: readonly string[], now: Date, options?: VerifyOptions): VerifyResult;

  /** Returns a reply when a verified delivery is the provider's test request rather than an event. */
  handshake?(delivery: RawDelivery): HandshakeReply | undefined;

  /**
   * Maps a parsed, verified payload to roster events. Irrelevant event types are returned in `ignored`;
   * a malformed relevant payload throws a PayloadError naming the field.
   */
  normalize(payload: unknown, context: NormalizeContext): NormalizeResult;
}
