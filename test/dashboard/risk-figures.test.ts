import { describe, expect, it } from 'vitest';
import type { RiskDecision } from '../../src/risk/risk-events.js';
import { countdown, decisionRow, mergeDecisions } from '../../src/dashboard/risk/risk-figures.js';
import { intent, T0 } from '../execution/execution-helpers.js';

const S = 1_000_000;

describe('the Risk & compliance figures', () => {
  it('counts a proposal down by the engine clock in minutes and seconds, and never below zero', () => {
    expect(countdown(T0 + 120 * S, T0)).toBe('2:00 left');
    expect(countdown(T0 + 120 * S, T0 + 61 * S)).toBe('0:59 left');
    expect(countdown(T0 + 120 * S, T0 + 119 * S + 1)).toBe('0:01 left');
    // The engine still takes a confirm at the expiry itself, and refuses one a microsecond later.
    expect(countdown(T0 + 120 * S, T0 + 120 * S)).toBe('0:00 left');
    expect(countdown(T0 + 120 * S, T0 + 120 * S + 1)).toBe('expired');
    expect(countdown(T0 + 120 * S, T0 + 3600 * S)).toBe('expired');
    expect(countdown(T0 + 120 * S, null)).toBe('—');
  });

  it("writes a stream decision as the API's row, with the limit and the value its code names", () => {
    const order = intent({ account: 'SIM-TS', quantity: 40 });
    const event: RiskDecision = {
      ts: T0,
      intentId: order.id,
      account: 'SIM-TS',
      symbol: order.symbol,
      outcome: 'denied',
      code: 'CONTRACT_LIMIT',
      reason: 'too many contracts',
      numbers: { limitMinis: 5, projectedMinis: 40 },
      intent: order,
    };
    expect(decisionRow(event)).toEqual({
      ts: T0,
      intentId: order.id,
      account: 'SIM-TS',
      symbol: 'ES 12-26',
      side: 'buy',
      quantity: 40,
      outcome: 'denied',
      code: 'CONTRACT_LIMIT',
      reason: 'too many contracts',
      limit: 5,
      value: 40,
      by: null,
    });
  });

  it('merges a snapshot with what the page holds: each decision once, newest first, capped', () => {
    const row = (id: string, outcome: string, ts: number) => ({
      ts,
      intentId: id,
      account: 'A',
      symbol: 'ES',
      side: 'buy',
      quantity: 1,
      outcome,
      code: null,
      reason: '',
      limit: null,
      value: null,
      by: null,
    });
    const held = [row('i-2', 'proposed', T0 + 2), row('i-1', 'approved', T0 + 1)];
    const snapshot = [
      row('i-3', 'denied', T0 + 3),
      row('i-2', 'proposed', T0 + 2),
      row('i-2', 'confirmed', T0 + 4),
    ];
    expect(mergeDecisions(held, snapshot).map((d) => `${d.intentId}:${d.outcome}`)).toEqual([
      'i-2:confirmed',
      'i-3:denied',
      'i-2:proposed',
      'i-1:approved',
    ]);
    expect(mergeDecisions(held, snapshot, 2)).toHaveLength(2);
  });
});
