import { Type } from '@sinclair/typebox';
import { filter } from 'rxjs';
import { TOPICS, type Topic } from '../../bus/topics.js';
import type { DataType } from '../../pipeline/data-types.js';
import { defineOperator } from '../../pipeline/operator.js';

const STREAM_TOPICS = {
  tick: TOPICS.ticks,
  bar: TOPICS.bars,
  signal: TOPICS.signals,
  account: TOPICS.accounts,
  position: TOPICS.positions,
  order: TOPICS.orders,
  fill: TOPICS.fills,
} as const satisfies Record<string, Topic<unknown>>;

type Stream = keyof typeof STREAM_TOPICS;
const STREAMS = Object.keys(STREAM_TOPICS) as Stream[];

/**
 * Reads what NinjaTrader sends through the gateway (docs/protocol.md): one stream of ticks, bars,
 * Enigma signals, account states, positions, order updates or fills.
 *
 * 1. Emits each message as the gateway publishes it on the bus, validated and rounded to the tick.
 * 2. With `symbols`, only those instruments (account states have no symbol and always pass).
 * 3. Ends when the bus closes (engine shutdown); a lost AddOn connection does not end it.
 *
 * @example
 * - id: signals
 *   op: ninjatrader
 *   params: { stream: signal, symbols: ['NQ 12-26'] }
 */
export const ninjatrader = defineOperator({
  kind: 'source',
  name: 'ninjatrader',
  summary: 'Reads ticks, bars, signals, accounts, positions, orders or fills sent by the NinjaTrader AddOn.',
  output: (params): DataType => params.stream,
  params: Type.Object(
    {
      stream: Type.Union(
        STREAMS.map((stream) => Type.Literal(stream)),
        { default: 'tick', description: 'Which NinjaTrader stream to read.' },
      ),
      symbols: Type.Optional(
        Type.Array(Type.String({ minLength: 1 }), {
          minItems: 1,
          description: 'Only these instruments (NinjaTrader names).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  create: (params, context) => {
    const messages$ = context.bus.observe(STREAM_TOPICS[params.stream as Stream] as Topic<unknown>);
    const symbols = params.symbols;
    if (symbols === undefined) return messages$;
    const wanted = new Set(symbols);
    return messages$.pipe(
      filter((message) => {
        const symbol = (message as { symbol?: string }).symbol;
        return symbol === undefined || wanted.has(symbol);
      }),
    );
  },
});
