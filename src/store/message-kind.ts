import type { DataType } from '../pipeline/data-types.js';

/** Table name of each message kind the store keeps. */
export const TABLE_OF_KIND: Readonly<Record<DataType, string>> = {
  tick: 'ticks',
  bar: 'bars',
  features: 'features',
  signal: 'signals',
  'order-intent': 'order_intents',
  order: 'orders',
  fill: 'fills',
  position: 'positions',
  account: 'accounts',
  'risk-state': 'risk_states',
  alert: 'alerts',
  'dead-letter': 'rejects',
};

/** Message kind of each table name. */
export const KIND_OF_TABLE: ReadonlyMap<string, DataType> = new Map(
  (Object.entries(TABLE_OF_KIND) as [DataType, string][]).map(([kind, table]) => [table, kind]),
);

/**
 * The kind of an event from its shape, for a sink that reads several kinds at once. Each test
 * looks at a field only that kind has; undefined when nothing matches.
 */
export function detectKind(message: unknown): DataType | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if ('bid' in m && 'ask' in m) return 'tick';
  if ('open' in m && 'high' in m) return 'bar';
  if ('values' in m) return 'features';
  if ('direction' in m && 'confluence' in m) return 'signal';
  if ('fillId' in m) return 'fill';
  if ('clientOrderId' in m && 'status' in m) return 'order';
  if ('timeInForce' in m && 'reason' in m && 'id' in m) return 'order-intent';
  if ('averagePrice' in m) return 'position';
  if ('equity' in m && 'balance' in m) return 'account';
  if ('state' in m && 'health' in m) return 'risk-state';
  if ('severity' in m) return 'alert';
  if ('origin' in m && 'reason' in m) return 'dead-letter';
  return undefined;
}
