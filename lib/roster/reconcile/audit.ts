import type { AuditStore } from '../audit';
import { emailAuditKey } from '../audit';
import { personKey } from '../state';

export type { AuditUserSnapshot as AuditUserFields } from '../audit';

/** The recorder of applied changes, which the audit store implements. */
export type ReconcileAuditSink = Pick<AuditStore, 'record'>;

/**
 * Returns the audit key of a roster person: the state table's person key when the row has an
 * employee id, else `email#<address>`.
 */
export function reconcileAuditKey(source: string, email: string, employeeId?: string): string {
  return employeeId ? personKey(source, employeeId) : emailAuditKey(email);
}
