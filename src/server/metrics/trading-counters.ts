import { Counter, type Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import type { MessageBus } from '../../bus/bus.js';
import { TOPICS } from '../../bus/topics.js';

/**
 * Counters of what happens to orders, fed from bus topics: each handler only increments (orders,
 * fills, denials and decisions are per intent, never per tick). Returns the subscriptions.
 */
export function registerTradingCounters(registry: Registry, bus: MessageBus): Subscription[] {
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const intents = counter('enigma_order_intents_total', 'Order intents sized for an account.', ['account']);
  const decisions = counter(
    'enigma_risk_decisions_total',
    'Risk engine decisions on intents, by outcome (approved, denied, proposed, confirmed, rejected, expired).',
    ['account', 'outcome'],
  );
  const denials = counter('enigma_order_denials_total', 'Intents the risk gate refused, by reason.', [
    'account',
    'reason',
  ]);
  const orders = counter(
    'enigma_order_updates_total',
    'Order updates, by the status the order reached (submitted, accepted, filled, cancelled, rejected…).',
    ['account', 'status'],
  );
  const fills = counter('enigma_fills_total', 'Executions.', ['account']);
  const filledContracts = counter('enigma_filled_contracts_total', 'Contracts executed.', ['account']);
  const alerts = counter('enigma_alerts_total', 'Alerts the engine raised, by severity and code.', [
    'severity',
    'code',
  ]);
  return [
    bus.observe(TOPICS.orderIntents).subscribe((intent) => intents.inc({ account: intent.account })),
    bus
      .observe(TOPICS.riskDecisions)
      .subscribe((decision) => decisions.inc({ account: decision.account, outcome: decision.outcome })),
    bus
      .observe(TOPICS.orderDenials)
      .subscribe((denial) => denials.inc({ account: denial.account, reason: denial.code })),
    bus
      .observe(TOPICS.orders)
      .subscribe((order) => orders.inc({ account: order.account, status: order.status })),
    bus.observe(TOPICS.fills).subscribe((fill) => {
      fills.inc({ account: fill.account });
      // A handler that threw would reach the publisher (the bus delivers synchronously).
      if (Number.isFinite(fill.quantity) && fill.quantity > 0)
        filledContracts.inc({ account: fill.account }, fill.quantity);
    }),
    bus
      .observe(TOPICS.alerts)
      .subscribe((alert) => alerts.inc({ severity: alert.severity, code: alert.code })),
  ];
}
