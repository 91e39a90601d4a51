import { userInfo } from 'node:os';
import type { MessageBus } from '../../bus/bus.js';
import { TOPICS } from '../../bus/topics.js';
import type { AuditEntry } from '../../core/events.js';
import type { TokenChanges } from './token-registry.js';

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

/**
 * Records the tokens `enigma token` created or revoked while the engine ran (it holds the
 * history then, so the command cannot): principal `local`, since the file does not say who.
 */
export function recordTokenChanges(bus: MessageBus, ts: number, changes: TokenChanges): void {
  const entries = [
    ...changes.created.map((token) => ['token.create', token] as const),
    ...changes.revoked.map((token) => ['token.revoke', token] as const),
  ];
  for (const [action, token] of entries)
    recordAudit(bus, {
      ts,
      principal: 'local',
      role: 'local',
      action,
      target: token.name,
      outcome: 'ok',
      detail: `role ${token.role}, by enigma token while the engine ran`,
    });
}
