import { Type } from '@sinclair/typebox';
import { TOPICS } from '../../bus/topics.js';
import type { Features, OrderIntent, Signal } from '../../core/events.js';
import { InstrumentCache } from '../../core/money.js';
import { RollingTradeStats } from '../../kernels/reference/sizing.js';
import { defineOperator, type PipelineAccount, type RunContext, type Step } from '../../pipeline/operator.js';
import { sizeSignal } from '../kelly-sizing.js';
import type { RiskLimits } from '../risk-events.js';

/** What every symbol's step of one `kelly` step shares, per account: its limits and closed trades. */
interface SharedState {
  limits: RiskLimits | undefined;
  /** Rolling statistics of closed trades per signal source. */
  readonly statistics: Map<string, RollingTradeStats>;
  /** The source of the last intent per symbol, to credit a closed trade to it. */
  readonly lastSource: Map<string, string>;
  /** Position per symbol: quantity and realised P&L when it was opened. */
  readonly positions: Map<string, { quantity: number; realizedAtOpen: number }>;
}

/** Without a step value or an account `sizing`, these apply. */
const DEFAULT_FRACTION = 0.25;
const DEFAULT_RISK_BUDGET = 500;

const shared = new WeakMap<RunContext, Map<string, SharedState>>();

function sharedState(context: RunContext, account: string, window: number): SharedState {
  let byAccount = shared.get(context);
  if (!byAccount) {
    byAccount = new Map();
    shared.set(context, byAccount);
  }
  const existing = byAccount.get(account);
  if (existing) return existing;
  const created: SharedState = {
    limits: undefined,
    statistics: new Map(),
    lastSource: new Map(),
    positions: new Map(),
  };
  byAccount.set(account, created);
  context.bus.observe(TOPICS.riskLimits).subscribe((limits) => {
    if (limits.account === account) created.limits = limits;
  });
  context.bus.observe(TOPICS.positions).subscribe((position) => {
    if (position.account !== account) return;
    const before = created.positions.get(position.symbol) ?? {
      quantity: 0,
      realizedAtOpen: position.realizedPnl,
    };
    // Closed: it was open and is now flat (sign 0) or on the other side.
    const closed = before.quantity !== 0 && Math.sign(position.quantity) !== Math.sign(before.quantity);
    if (closed) {
      const source = created.lastSource.get(position.symbol);
      if (source !== undefined) {
        let stats = created.statistics.get(source);
        if (!stats) {
          stats = new RollingTradeStats(window);
          created.statistics.set(source, stats);
        }
        stats.push(position.realizedPnl - before.realizedAtOpen);
      }
    }
    const opened = before.quantity === 0 || closed;
    created.positions.set(position.symbol, {
      quantity: position.quantity,
      realizedAtOpen: opened ? position.realizedPnl : before.realizedAtOpen,
    });
  });
  // The risk engine answers at once (the bus is synchronous), so the first signal is sized with the limits.
  context.bus.publish(TOPICS.riskLimitsRequests, { account });
  return created;
}

/** One account a step sizes for, with the fraction and budget that apply to it. */
interface Route {
  readonly account: string;
  readonly fraction: number;
  readonly riskBudget: number;
}

/**
 * The accounts a step sizes for: the one it names, else every configured account that trades this
 * pipeline (its `pipelines` list names it, or it has no list). The step's `fraction` and
 * `riskBudget` win over the account's `sizing`, which wins over the defaults.
 */
export function routesOf(
  params: { readonly account?: string; readonly fraction?: number; readonly riskBudget?: number },
  context: Pick<RunContext, 'pipelineId' | 'accounts'>,
): Route[] {
  const configured = context.accounts ?? [];
  const chosen: readonly PipelineAccount[] =
    params.account !== undefined
      ? [configured.find((account) => account.id === params.account) ?? { id: params.account }]
      : configured.filter(
          (account) => account.pipelines === undefined || account.pipelines.includes(context.pipelineId),
        );
  return chosen.map((account) => ({
    account: account.id,
    fraction: params.fraction ?? account.sizing?.kellyFraction ?? DEFAULT_FRACTION,
    riskBudget: params.riskBudget ?? account.sizing?.riskBudget ?? DEFAULT_RISK_BUDGET,
  }));
}

/**
 * Sizes signals into order intents with fractional Kelly, capped by a per-trade risk budget, by
 * the account's remaining drawdown and daily-loss room and by its rule profile's contract limit
 * (both read from the risk engine on the bus), per instrument and account.
 *
 * 0. Without `account`, each signal is sized once for every account that trades this pipeline
 *    (enigma.yaml: the account's `pipelines` names it, or it has none), with that account's
 *    `sizing` unless the step sets `fraction`/`riskBudget`: one intent per account.
 * 1. Neutral signals, and long/short signals sized to 0 contracts (no edge, no room), emit nothing;
 *    nor do signals stamped before the clock's `liveFrom` (warm-up history, e.g. a backfill).
 * 2. The edge comes from the confidence model (signal metadata `winProbability`, `payoffRatio`),
 *    else from the rolling statistics of the source's last `window` closed trades once
 *    `minTrades` have closed, else from the prior `winProbability` and the signal's target/stop.
 *    A source whose recent trades show no edge is not sized (Kelly ≤ 0) until the step restarts.
 * 3. The stop is the signal's, else `defaultStopTicks` away; the first target is the take profit.
 *    The intent is a bracket (entry + stop loss + take profit) with a deterministic id:
 *    `pipeline.step:account:symbol:signal time`.
 * 4. With `trendField`, a second input of higher-timeframe features filters: only signals whose
 *    direction agrees with the sign of that field are sized.
 *
 * @example
 * - id: size
 *   op: kelly
 *   from: signals
 *   params: { fraction: 0.25, riskBudget: 500 }
 */
export const kelly = defineOperator({
  kind: 'transform',
  name: 'kelly',
  summary:
    'Fractional-Kelly sizing of signals into bracket order intents, capped by risk budget, room and contract limit.',
  inputs: ['signal', 'features'],
  maxInputs: 2,
  output: 'order-intent',
  keyedBySymbol: true,
  params: Type.Object(
    {
      account: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'Size for this account only; default: every account that trades this pipeline.',
        }),
      ),
      fraction: Type.Optional(
        Type.Number({
          exclusiveMinimum: 0,
          maximum: 1,
          description: "Fractional Kelly multiplier; default: the account's sizing.kellyFraction, else 0.25.",
        }),
      ),
      riskBudget: Type.Optional(
        Type.Number({
          exclusiveMinimum: 0,
          description:
            "Largest loss at the stop per trade, $; default: the account's sizing.riskBudget, else 500.",
        }),
      ),
      maxContracts: Type.Integer({ minimum: 1, default: 10 }),
      roomShare: Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        default: 0.5,
        description: 'Share of the drawdown room one trade may risk.',
      }),
      defaultStopTicks: Type.Integer({ minimum: 1, default: 12 }),
      winProbability: Type.Number({
        minimum: 0,
        maximum: 1,
        default: 0.55,
        description: 'Prior until trades have closed.',
      }),
      payoffRatio: Type.Number({
        exclusiveMinimum: 0,
        default: 1.5,
        description: 'Prior average win / average loss.',
      }),
      equity: Type.Number({
        exclusiveMinimum: 0,
        default: 50_000,
        description: 'Equity before the first account update.',
      }),
      window: Type.Integer({
        minimum: 2,
        default: 50,
        description: 'Closed trades in the rolling statistics.',
      }),
      minTrades: Type.Integer({ minimum: 1, default: 20 }),
      orderType: Type.Union([Type.Literal('market'), Type.Literal('limit')], { default: 'market' }),
      trendField: Type.Optional(
        Type.String({ minLength: 1, description: 'Higher-timeframe feature whose sign must agree.' }),
      ),
    },
    { additionalProperties: false },
  ),
  check: (params, context) => {
    const twoInputs = context.inputs.length > 1;
    if (params.trendField !== undefined && !twoInputs) {
      return [
        {
          code: 'PIPELINE_BAD_INPUTS',
          message: '`trendField` needs a second input of higher-timeframe features',
        },
      ];
    }
    if (params.trendField === undefined && twoInputs) {
      return [
        {
          code: 'PIPELINE_BAD_INPUTS',
          message: 'a second input (higher-timeframe features) is only read with `trendField`',
        },
      ];
    }
    return [];
  },
  create: (params, context): Step<Signal | Features, OrderIntent> => {
    const routes = routesOf(params, context).map((route) => ({
      ...route,
      sizing: { ...params, fraction: route.fraction, riskBudget: route.riskBudget },
      state: sharedState(context, route.account, params.window),
    }));
    const instruments = new InstrumentCache();
    const idPrefix = `${context.pipelineId}.${context.stepId}`;
    let trend = Number.NaN;
    const liveFrom = context.clock.liveFrom ?? -Infinity;
    return {
      next: (message, emit, input) => {
        if (input === 1 || !('direction' in message)) {
          if (params.trendField !== undefined && 'values' in message)
            trend = message.values[params.trendField] ?? Number.NaN;
          return;
        }
        const signal = message;
        if (signal.direction === 'neutral') return;
        if (signal.ts < liveFrom) return;
        if (params.trendField !== undefined && !(signal.direction === 'long' ? trend > 0 : trend < 0)) return;
        const instrument = instruments.get(signal.symbol);
        if (!instrument) return;
        for (const { account, sizing, state } of routes) {
          // Fresh limits (room, open exposure) for this signal: the risk engine answers synchronously.
          context.bus.publish(TOPICS.riskLimitsRequests, { account });
          const stats = state.statistics.get(signal.source);
          const statistics =
            stats && stats.statistics.count >= params.minTrades
              ? { winProbability: stats.statistics.winRate, payoffRatio: stats.statistics.payoffRatio }
              : undefined;
          const sized = sizeSignal(signal, instrument, sizing, state.limits, statistics);
          if (sized.quantity <= 0) continue;
          state.lastSource.set(signal.symbol, signal.source);
          const target = signal.targets?.[0];
          emit({
            id: `${idPrefix}:${account}:${signal.symbol}:${signal.ts}`,
            account,
            symbol: signal.symbol,
            ts: signal.ts,
            side: signal.direction === 'long' ? 'buy' : 'sell',
            quantity: sized.quantity,
            type: params.orderType,
            ...(params.orderType === 'limit' && { limitPrice: signal.price }),
            timeInForce: 'day',
            stopLoss: sized.stopPrice,
            ...(target !== undefined && { takeProfit: target }),
            signalTs: signal.ts,
            reason: `kelly ${sized.edge.source}: p=${sized.edge.winProbability.toFixed(3)} b=${sized.edge.payoffRatio.toFixed(2)} f*=${sized.kellyFraction.toFixed(3)} × ${sizing.fraction}, budget $${sized.riskBudget.toFixed(0)}, cap ${sized.contractCap}`,
          });
        }
      },
    };
  },
});
