import type { ProviderKind } from '../config/schema';
import type { RosterEvent } from '../roster/event';
import { finishRosterEvent } from './fields';
import { checkTenant } from './intake';
import { sha256Hex } from './signing';
import type { NormalizeContext, NormalizeResult } from './types';

/**
 * What a thin webhook reports about one person: that the record changed (look it up) or was deleted.
 * BambooHR, HiBob and Personio send nothing more, so the apply step reads the current record from the
 * provider's API.
 */
export interface PersonNotice {
  /** The provider's person id; also the id the API is asked for. */
  employeeId: string;
  /** `lookup`: the record changed, apply what the API returns; `delete`: the provider deleted the record. */
  kind: 'lookup' | 'delete';
  /** UTC ISO string of the provider's event time. */
  occurredAt: string;
  /**
   * The provider's own event or delivery id, used as the deduplication key when the provider sends one
   * (Finch-Event-Id, Gusto `uuid`).
   */
  eventId?: string;
  /**
   * The envelope values that tell this event apart from another (tenant, type, person, time, changed
   * fields). Without an `eventId`, the deduplication key is derived from them.
   */
  identity: readonly unknown[];
}

/** Checks the tenant id against the source's `tenantIds` (403 on a mismatch) and returns it. */
export function tenantOf(
  tenantId: string | undefined,
  field: string,
  context: NormalizeContext,
): string | undefined {
  checkTenant(context, tenantId, field);
  return tenantId;
}

/**
 * Turns notices into roster events. A lookup event is an upsert whose person contains only an `active`
 * status until the apply step replaces it by the fetched record. A delete needs no lookup.
 */
export function personNoticesResult(
  provider: ProviderKind,
  notices: readonly PersonNotice[],
  context: NormalizeContext,
): NormalizeResult {
  const events = notices.map((notice, index) => {
    const candidate: RosterEvent = {
      eventId: notice.eventId ?? derivedEventId(provider, context.source, notice.identity),
      source: context.source,
      employeeId: notice.employeeId,
      action: notice.kind === 'delete' ? 'delete' : 'upsert',
      occurredAt: notice.occurredAt,
      receivedAt: context.receivedAt.toISOString(),
      person: { status: notice.kind === 'delete' ? 'inactive' : 'active' },
      ...(notice.kind === 'lookup' ? { lookup: { personId: notice.employeeId } } : {}),
    };
    return finishRosterEvent(candidate, notices.length === 1 ? 'body' : `events[${index}]`);
  });
  return { events, ignored: [] };
}

/**
 * Returns `<provider>:<SHA-256 hex>` of the source and the identity values. A provider's retry of the
 * same event yields the same id, whatever its signature or delivery time.
 */
export function derivedEventId(provider: ProviderKind, source: string, identity: readonly unknown[]): string {
  return `${provider}:${sha256Hex(JSON.stringify([source, ...identity]))}`;
}
