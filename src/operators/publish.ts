import { Type } from '@sinclair/typebox';
import { topicByKey, type TopicKey } from '../bus/topics.js';
import { pipelineSource } from '../core/market-source.js';
import { defineOperator, type Sink } from '../pipeline/operator.js';

/**
 * The topics a pipeline may publish on: what pipelines produce. Never the engines' own channels:
 * a step publishing on `approvedIntents` would bypass the risk gate, on `riskCommands` resume a
 * halted account, on `stored` acknowledge what is not stored, on `fills` or `positions` fake the book.
 */
const PUBLISHABLE = [
  'ticks',
  'bars',
  'features',
  'signals',
  'orderIntents',
  'alerts',
] as const satisfies readonly TopicKey[];
/** Topics of market data: what is published there is stamped with the pipeline as its source. */
const MARKET_TOPICS: ReadonlySet<string> = new Set(['ticks', 'bars']);

/**
 * Publishes messages on a bus topic, where engines (store, risk, execution, dashboard) pick them up.
 *
 * Ticks and bars become the engine's own market: each is published with `source:
 * pipeline:<pipeline id>` (replacing a client's `gateway:` source, so a pipeline that republishes
 * NinjaTrader's ticks prices the paper accounts with them: the pipeline's author chose to). The
 * store keeps them as that source's series.
 *
 * @example
 * - id: out
 *   op: publish
 *   from: signals
 *   params: { topic: signals }
 */
export const publish = defineOperator({
  kind: 'sink',
  name: 'publish',
  summary: 'Publishes messages on a bus topic for the engines (signals, orderIntents, ...).',
  inputs: 'any',
  maxInputs: 16,
  params: Type.Object(
    {
      topic: Type.Union(
        PUBLISHABLE.map((key) => Type.Literal(key)),
        {
          description:
            'A topic pipelines produce; the engines’ own channels (approved orders, risk commands…) are not publishable.',
        },
      ),
    },
    { additionalProperties: false },
  ),
  create: (params, context): Sink => {
    const send = context.bus.publisher(topicByKey(params.topic));
    if (!MARKET_TOPICS.has(params.topic)) return { write: send, close: async () => undefined };
    const source = pipelineSource(context.pipelineId);
    return {
      write: (message) => send({ ...(message as object), source }),
      close: async () => undefined,
    };
  },
});
