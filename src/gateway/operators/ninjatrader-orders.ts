import { Type } from '@sinclair/typebox';
import { TOPICS } from '../../bus/topics.js';
import type { OrderIntent } from '../../core/events.js';
import { parseDuration } from '../../core/time.js';
import { defineOperator, type Sink } from '../../pipeline/operator.js';

/**
 * Sends order intents to the NinjaTrader AddOn as `order` messages (or `proposal`s for a person to
 * confirm), through the gateway's `ninjatrader.commands` topic.
 *
 * 1. Each intent becomes one order; its `id` is the idempotent `client_order_id`, so a repeated
 *    intent is never submitted twice.
 * 2. The gateway routes it to the session that trades `intent.account`; with none, it is kept in
 *    the dead-letter stream (`GATEWAY_NO_SESSION`).
 * 3. `mode: propose` sends a proposal that expires after `proposalTtl`.
 *
 * @example
 * - id: toNinjaTrader
 *   op: ninjatraderOrders
 *   from: sized
 *   params: { mode: submit }
 */
export const ninjatraderOrders = defineOperator({
  kind: 'sink',
  name: 'ninjatraderOrders',
  summary: 'Sends order intents to the NinjaTrader AddOn (orders, or proposals to confirm).',
  inputs: ['order-intent'],
  maxInputs: 8,
  params: Type.Object(
    {
      mode: Type.Union([Type.Literal('submit'), Type.Literal('propose')], {
        default: 'submit',
        description: 'submit: orders go straight to NinjaTrader; propose: a person confirms each one.',
      }),
      proposalTtl: Type.String({
        default: '30s',
        pattern: '^[0-9]+(us|ms|s|m|h|d)$',
        description: 'How long a proposal stays open.',
      }),
    },
    { additionalProperties: false },
  ),
  create: (params, context): Sink => {
    const sendCommand = context.bus.publisher(TOPICS.ninjatraderCommands);
    const ttl = parseDuration(params.proposalTtl);
    const write =
      params.mode === 'propose'
        ? (message: unknown) => {
            const intent = message as OrderIntent;
            sendCommand({
              kind: 'proposal',
              proposalId: `pr-${intent.id}`,
              intent,
              expiresTs: context.clock.now() + ttl,
              reason: intent.reason,
            });
          }
        : (message: unknown) => sendCommand({ kind: 'order', intent: message as OrderIntent });
    return { write, close: async () => undefined };
  },
});
