import type { Signal, Tick } from '../core/events.js';
import type { OutgoingMessage } from './client.js';

/** The protocol `tick` a NinjaTrader client sends for a tick event. */
export function tickMessage(tick: Tick): OutgoingMessage {
  return {
    type: 'tick',
    ts: tick.ts,
    symbol: tick.symbol,
    price: tick.price,
    size: tick.size,
    bid: tick.bid,
    ask: tick.ask,
    side: tick.side,
  };
}

/** The protocol `signal` a NinjaTrader client sends for a signal event. */
export function signalMessage(signal: Signal): OutgoingMessage {
  return {
    type: 'signal',
    ts: signal.ts,
    source: signal.source,
    symbol: signal.symbol,
    direction: signal.direction,
    strength: signal.strength,
    power: signal.power,
    confluence: signal.confluence,
    price: signal.price,
    ...(signal.stop !== undefined && { stop: signal.stop }),
    ...(signal.targets !== undefined && { targets: [...signal.targets] }),
    ...(signal.metadata !== undefined && { metadata: { ...signal.metadata } }),
  };
}
