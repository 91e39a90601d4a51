import type { OrderStatus } from '../core/events.js';

/**
 * The order life cycle. Every change of status is one Order event on the bus; a transition not
 * in this table is refused (the broker's report is kept as an alert, the order is unchanged).
 *
 * pending → submitted → accepted → working → partially-filled → filled
 *                                    ↘ cancel-pending → cancelled
 * Any live status can end in rejected, cancelled or expired; filled, cancelled, rejected and
 * expired are terminal.
 */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['submitted', 'rejected', 'cancelled'],
  submitted: [
    'accepted',
    'working',
    'partially-filled',
    'filled',
    'cancel-pending',
    'cancelled',
    'rejected',
    'expired',
  ],
  accepted: ['working', 'partially-filled', 'filled', 'cancel-pending', 'cancelled', 'rejected', 'expired'],
  working: ['working', 'partially-filled', 'filled', 'cancel-pending', 'cancelled', 'expired'],
  'partially-filled': ['partially-filled', 'working', 'filled', 'cancel-pending', 'cancelled', 'expired'],
  'cancel-pending': ['cancelled', 'partially-filled', 'filled', 'working', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

const TERMINAL: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'rejected', 'expired']);

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Filled, cancelled, rejected or expired: nothing more can happen to the order. */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL.has(status);
}
