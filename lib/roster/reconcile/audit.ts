import { personKey } from '../state';

/** The user fields an audit entry records before and after a change. */
export interface AuditUserFields {
  email?: string;
  role?: string;
  name?: string;
  status?: string;
  groups?: string[];
}

/**
 * One change a reconcile run applied, or failed to apply, to one person. The shape is the audit
 * trail's entry with a reconcile origin, so the audit store records it as it is.
 */
export interface ReconcileAuditEntry {
  personKey: string;
  at: string;
  origin: { kind: 'reconcile'; runId: string; file?: string; row?: number };
  action: 'created' | 'updated' | 'reactivated' | 'deactivated' | 'deleted' | 'failed';
  before?: AuditUserFields;
  after?: AuditUserFields;
  outcome: 'applied' | 'failed';
  reason?: string;
}

/** Where applied changes are recorded; the audit store satisfies it. */
export interface ReconcileAuditSink {
  record(entry: ReconcileAuditEntry): Promise<void>;
}

/**
 * Returns the audit key of a roster person: the state table's person key when the row has an
 * employee id, else `email#<address>`.
 */
export function reconcileAuditKey(source: string, email: string, employeeId?: string): string {
  return employeeId ? personKey(source, employeeId) : `email#${email.trim().toLowerCase()}`;
}
