import { Type } from '@sinclair/typebox';
import type { OrderIntent, Signal } from '../../core/events.js';
import { defineOperator, type Step } from '../../pipeline/operator.js';

/**
 * Test and benchmark route, **not sizing**: turns every long or short signal into a one-contract
 * market order intent in its direction, so the gateway's signal → order round trip can be run
 * and measured without the sizing and risk engines.
 *
 * 1. `long` → buy 1, `short` → sell 1, `neutral` → nothing.
 * 2. The intent id is derived from the signal (`<idPrefix>-<symbol>-<ts>-<direction>`), so the
 *    same signal always gives the same `client_order_id` and a replay cannot trade twice.
 *
 * @example
 * - id: orders
 *   op: signalToOrder
 *   from: signals
 *   params: { account: Sim101 }
 */
export const signalToOrder = defineOperator({
  kind: 'transform',
  name: 'signalToOrder',
  summary: 'Test/bench route: one-contract market order per long/short signal (not sizing).',
  inputs: ['signal'],
  output: 'order-intent',
  params: Type.Object(
    {
      account: Type.String({ minLength: 1, default: 'Sim101', description: 'NinjaTrader account to trade.' }),
      idPrefix: Type.String({
        pattern: '^[A-Za-z0-9_-]{1,16}$',
        default: 'rt',
        description: 'Prefix of the client order ids.',
      }),
    },
    { additionalProperties: false },
  ),
  create: (params, context): Step => ({
    next: (message, emit) => {
      const signal = message as Signal;
      if (signal.direction === 'neutral') return;
      const intent: OrderIntent = {
        id: `${params.idPrefix}-${signal.symbol.replace(/[^A-Za-z0-9]/g, '')}-${String(signal.ts)}-${signal.direction}`,
        account: params.account,
        symbol: signal.symbol,
        ts: context.clock.now(),
        side: signal.direction === 'long' ? 'buy' : 'sell',
        quantity: 1,
        type: 'market',
        timeInForce: 'day',
        signalTs: signal.ts,
        reason: `signalToOrder (test route): ${signal.direction} signal from ${signal.source}`,
      };
      emit(intent);
    },
  }),
});
