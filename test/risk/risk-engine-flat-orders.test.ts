import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/core/events.js';
import { microsFromIso, type Micros } from '../../src/core/time.js';
import { riskEngineRig } from './risk-engine-rig.js';
import { orderAt, positionAt } from './scenario-helpers.js';

const ACCOUNT = 'SIM-50K';
/** Apex's flat-by time on Tuesday 24 November 2026 (4:58:30 PM in New York). */
const FLAT_BY = microsFromIso('2026-11-24T21:58:30Z');
const BEFORE = FLAT_BY - 3_600_000_000;

function rig(at: Micros) {
  const r = riskEngineRig({ at });
  return { ...r, cancels: () => r.commands.filter((command) => command.type === 'cancel') };
}

/** A broker's report of a two-lot buy limit, as NinjaTrader's for an order placed by hand. */
function order(id: string, status: Order['status'], ts: Micros, filledQuantity = 0): Order {
  return orderAt(ts, { clientOrderId: id, status, quantity: 2, filledQuantity, timeInForce: 'gtc' });
}

describe('an order that starts working while the account must stay flat', () => {
  it('is cancelled at once after the flat-by time, once, with a warning that names it', () => {
    const r = rig(FLAT_BY + 1_000_000);
    r.clock.advanceTo(FLAT_BY + 2_000_000);
    expect(r.engine.compliance(ACCOUNT)?.flattenRequired).toBe(true);
    r.engine.process({ kind: 'order', order: order('hand-1', 'submitted', FLAT_BY + 3_000_000) });
    expect(r.cancels()).toEqual([{ type: 'cancel', clientOrderId: 'hand-1' }]);
    const warning = r.alerts.find((alert) => alert.code === 'RISK_ORDER_WHILE_FLAT');
    expect(warning).toMatchObject({ severity: 'warning', account: ACCOUNT });
    expect(warning?.message).toBe(
      'SIM-50K: order hand-1 (buy 2 ES 12-26) started working while the account must stay flat: cancel sent',
    );
    // Its later reports (working, partly filled, cancel pending) are the same order: no second cancel.
    r.engine.process({ kind: 'order', order: order('hand-1', 'working', FLAT_BY + 3_100_000) });
    r.engine.process({ kind: 'order', order: order('hand-1', 'partially-filled', FLAT_BY + 3_200_000, 1) });
    r.engine.process({ kind: 'order', order: order('hand-1', 'cancel-pending', FLAT_BY + 3_300_000, 1) });
    expect(r.cancels()).toHaveLength(1);
  });

  it('is cancelled on a halted account, and not after the halt is lifted', () => {
    const r = rig(BEFORE);
    r.engine.execute({ type: 'kill', account: ACCOUNT, reason: 'news', by: 'cli' });
    r.engine.process({ kind: 'order', order: order('hand-2', 'working', BEFORE + 1_000_000) });
    expect(r.cancels()).toEqual([{ type: 'cancel', clientOrderId: 'hand-2' }]);
    r.engine.execute({ type: 'resume', account: ACCOUNT, by: 'cli' });
    r.engine.process({ kind: 'order', order: order('hand-3', 'working', BEFORE + 2_000_000) });
    expect(r.cancels()).toHaveLength(1);
  });

  it('is left alone while the rules allow trading', () => {
    const r = rig(BEFORE);
    r.engine.process({ kind: 'order', order: order('hand-4', 'working', BEFORE + 1_000_000) });
    expect(r.cancels()).toEqual([]);
    expect(r.alerts.filter((alert) => alert.code === 'RISK_ORDER_WHILE_FLAT')).toEqual([]);
  });

  it('is left alone while a position is still open (a NinjaTrader Flatten sends its own closing orders)', () => {
    const r = rig(BEFORE);
    r.engine.process({ kind: 'position', position: positionAt(BEFORE, 2) });
    r.engine.execute({ type: 'kill', account: ACCOUNT, reason: 'news', by: 'cli' });
    const closing = { ...order('nt-close', 'working', BEFORE + 1_000_000), side: 'sell' as const };
    r.engine.process({ kind: 'order', order: closing });
    expect(r.cancels()).toEqual([]);
    // Once flat, the next order that starts working is cancelled.
    r.engine.process({ kind: 'position', position: positionAt(BEFORE + 2_000_000, 0) });
    r.engine.process({ kind: 'order', order: order('hand-5', 'accepted', BEFORE + 3_000_000) });
    expect(r.cancels()).toEqual([{ type: 'cancel', clientOrderId: 'hand-5' }]);
  });

  it('is not cancelled when its first report is already final (filled or rejected)', () => {
    const r = rig(BEFORE);
    r.engine.execute({ type: 'kill', account: ACCOUNT, reason: 'news', by: 'cli' });
    r.engine.process({ kind: 'order', order: order('done-1', 'filled', BEFORE + 1_000_000, 2) });
    r.engine.process({ kind: 'order', order: order('done-2', 'rejected', BEFORE + 1_000_000) });
    expect(r.cancels()).toEqual([]);
  });
});
