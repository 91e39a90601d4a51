import type { OperatorDefinition } from '../../pipeline/operator.js';
import { ninjatrader } from './ninjatrader.js';
import { ninjatraderOrders } from './ninjatrader-orders.js';
import { signalToOrder } from './signal-to-order.js';

export { ninjatrader, ninjatraderOrders, signalToOrder };

/** The gateway's pipeline operators: add them to the registry (`ALL_OPERATORS`). */
export const GATEWAY_OPERATORS: readonly OperatorDefinition[] = [
  ninjatrader,
  ninjatraderOrders,
  signalToOrder,
];
