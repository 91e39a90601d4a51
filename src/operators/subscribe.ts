import { Type } from '@sinclair/typebox';
import { TOPICS, topicByKey, type TopicKey } from '../bus/topics.js';
import type { DataType } from '../pipeline/data-types.js';
import { defineOperator } from '../pipeline/operator.js';

/** The message kind each bus topic carries, for type checks of steps that read it. */
const TOPIC_TYPES: Partial<Record<TopicKey, DataType>> = {
  ticks: 'tick',
  bars: 'bar',
  features: 'features',
  signals: 'signal',
  orderIntents: 'order-intent',
  orders: 'order',
  fills: 'fill',
  positions: 'position',
  accounts: 'account',
  riskStates: 'risk-state',
  alerts: 'alert',
  deadLetters: 'dead-letter',
};
const SUBSCRIBABLE = (Object.keys(TOPICS) as TopicKey[]).filter((key) => TOPIC_TYPES[key] !== undefined);

/**
 * Reads a bus topic as a pipeline source: what engines or other pipelines publish.
 *
 * 1. Ends when the bus closes (engine shutdown).
 *
 * @example
 * - id: fills
 *   op: subscribe
 *   params: { topic: fills }
 */
export const subscribe = defineOperator({
  kind: 'source',
  name: 'subscribe',
  summary: 'Reads a bus topic (signals, fills, ...) as a pipeline source.',
  output: (params) => TOPIC_TYPES[params.topic] ?? 'features',
  params: Type.Object(
    { topic: Type.Union(SUBSCRIBABLE.map((key) => Type.Literal(key))) },
    { additionalProperties: false },
  ),
  create: (params, context) => context.bus.observe(topicByKey(params.topic)),
});
