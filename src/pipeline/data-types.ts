import type {
  AccountState,
  Alert,
  Bar,
  DeadLetter,
  Features,
  Fill,
  Order,
  OrderIntent,
  Position,
  RiskState,
  Signal,
  Tick,
} from '../core/events.js';

/** The kinds of message a pipeline step can read or emit, by name. */
export interface DataTypes {
  tick: Tick;
  bar: Bar;
  features: Features;
  signal: Signal;
  'order-intent': OrderIntent;
  order: Order;
  fill: Fill;
  position: Position;
  account: AccountState;
  'risk-state': RiskState;
  alert: Alert;
  'dead-letter': DeadLetter;
}

export type DataType = keyof DataTypes;

/** The fields an expression can name, per message kind. Features list their own keys. */
export const MESSAGE_FIELDS: Partial<
  Record<DataType, { numeric: readonly string[]; text: readonly string[] }>
> = {
  tick: { numeric: ['ts', 'price', 'size', 'bid', 'ask'], text: ['symbol', 'side'] },
  bar: {
    numeric: ['ts', 'end', 'open', 'high', 'low', 'close', 'volume', 'buyVolume', 'sellVolume', 'trades'],
    text: ['symbol'],
  },
  signal: {
    numeric: ['ts', 'power', 'confluence', 'price', 'stop'],
    text: ['symbol', 'source', 'direction', 'strength'],
  },
};
