import { userInfo } from 'node:os';
import type { MessageBus } from '../../bus/bus.js';
import { TOPICS } from '../../bus/topics.js';
import type { AuditEntry } from '../../core/events.js';

/**
 * Records a state change (or a refused attempt) in the audit log: the store keeps every entry of
 * `TOPICS.audit` in its `audit` table. Routes call this for each halt, resume, confirm, reject,
 * mode change, cancel, flatten and pipeline action, with the name and role of the token used.
 */
export function recordAudit(bus: MessageBus, entry: AuditEntry): void {
  bus.publish(TOPICS.audit, entry);
}

/** Who a command run at the machine acts as, in the audit log: `local:<user>`, role `local`. */
export function localPrincipal(): { readonly name: string; readonly role: 'local' } {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = 'unknown';
  }
  return { name: `local:${user}`, role: 'local' };
}
