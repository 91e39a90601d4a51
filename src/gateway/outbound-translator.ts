import type { NinjaTraderCommand } from '../bus/topics.js';
import type { OrderIntent, RiskState } from '../core/events.js';
import type { EngineMessage, OrderMessage } from './protocol/schemas.js';

/**
 * Engine → client command messages, built in one allocation each: optional fields may hold
 * `undefined` (the serialiser omits them), and `seq`/`ts` are 0 until the session numbers and
 * stamps the message as it sends it.
 */

type OrderBody = Omit<OrderMessage, 'type' | 'seq' | 'ts'>;

/** The `order` body of an intent: its id is the idempotent `client_order_id`. */
export function orderBody(intent: OrderIntent): OrderBody {
  return {
    client_order_id: intent.id,
    account: intent.account,
    symbol: intent.symbol,
    side: intent.side,
    quantity: intent.quantity,
    order_type: intent.type,
    limit_price: intent.limitPrice,
    stop_price: intent.stopPrice,
    time_in_force: intent.timeInForce,
    bracket:
      intent.stopLoss !== undefined || intent.takeProfit !== undefined
        ? { stop_loss: intent.stopLoss, take_profit: intent.takeProfit }
        : undefined,
    signal_ts: intent.signalTs,
    reason: intent.reason,
  };
}

function orderMessage(intent: OrderIntent): OrderMessage {
  return { type: 'order', seq: 0, ts: 0, ...orderBody(intent) };
}

/** The protocol message for a command on the `ninjatrader.commands` topic. */
export function commandMessage(command: NinjaTraderCommand): EngineMessage {
  switch (command.kind) {
    case 'order':
      return orderMessage(command.intent);
    case 'cancel':
      return {
        type: 'cancel',
        seq: 0,
        ts: 0,
        command_id: command.commandId,
        client_order_id: command.clientOrderId,
        account: command.account,
        reason: command.reason,
      };
    case 'replace':
      return {
        type: 'replace',
        seq: 0,
        ts: 0,
        command_id: command.commandId,
        client_order_id: command.clientOrderId,
        account: command.account,
        quantity: command.quantity,
        limit_price: command.limitPrice,
        stop_price: command.stopPrice,
      };
    case 'flatten':
      return {
        type: 'flatten',
        seq: 0,
        ts: 0,
        command_id: command.commandId,
        account: command.account,
        symbol: command.symbol,
        reason: command.reason,
      };
    case 'proposal':
      return {
        type: 'proposal',
        seq: 0,
        ts: 0,
        proposal_id: command.proposalId,
        expires_ts: command.expiresTs,
        order: orderBody(command.intent),
        reason: command.reason,
      };
    case 'snapshot_request':
      return { type: 'snapshot_request', seq: 0, ts: 0, request_id: 'snap', reason: command.reason };
    case 'subscribe':
    case 'unsubscribe':
      return {
        type: command.kind,
        seq: 0,
        ts: 0,
        symbols: [...command.symbols],
        streams: [...command.streams],
        bar_period_seconds: command.barPeriodSeconds,
      };
  }
}

/** The `state` message of a risk state. */
export function stateMessage(state: RiskState): EngineMessage {
  return {
    type: 'state',
    seq: 0,
    ts: 0,
    account: state.account,
    state: state.state,
    reasons: [...state.reasons],
    health: state.health,
  };
}
