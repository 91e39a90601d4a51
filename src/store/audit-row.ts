import type { AuditEntry } from '../core/events.js';
import type { RowValues } from './row-buffer.js';

/** The `audit` row of an audit entry (after `seq`): the columns of `TABLES.audit`, in order. */
export function auditRow(entry: AuditEntry): RowValues {
  return [
    entry.ts,
    String(entry.principal),
    String(entry.role),
    String(entry.action),
    String(entry.target),
    entry.outcome === 'ok' ? 'ok' : 'refused',
    entry.detail === undefined ? null : String(entry.detail),
  ];
}
