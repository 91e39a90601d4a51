import { Type } from '@sinclair/typebox';
import { TOPICS, topicByKey, type TopicKey } from '../bus/topics.js';
import { defineOperator, type Sink } from '../pipeline/operator.js';

const TOPIC_KEYS = Object.keys(TOPICS) as TopicKey[];

/**
 * Publishes messages on a bus topic, where engines (store, risk, execution, dashboard) pick them up.
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
    { topic: Type.Union(TOPIC_KEYS.map((key) => Type.Literal(key))) },
    { additionalProperties: false },
  ),
  create: (params, context): Sink => {
    const send = context.bus.publisher(topicByKey(params.topic));
    return { write: send, close: async () => undefined };
  },
});
