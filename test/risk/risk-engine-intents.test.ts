import { describe, expect, it } from 'vitest';
import { clientSource } from '../../src/core/market-source.js';
import { MarketTrust } from '../../src/core/market-trust.js';
import { microsFromIso } from '../../src/core/time.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';
import { apex, riskEngineRig, topstep, TUESDAY, type RiskEngineRig } from './risk-engine-rig.js';
import { accountAt, intentAt, orderAt, positionAt } from './scenario-helpers.js';

const T = microsFromIso(TUESDAY);
const ACCOUNT = 'SIM-50K';

/** A market buy whose stop loss is above every price used here: denied, naming the entry it was priced at. */
function entryPricedAt(r: RiskEngineRig): number | undefined {
  const decision = r.intent({ stopLoss: 6200 });
  if (decision?.outcome !== 'denied') return undefined;
  return decision.denial.numbers['entry'];
}

describe('who may not trade: unknown, halted, stale', () => {
  it('denies an intent for an account it does not manage, naming the account', () => {
    const r = riskEngineRig();
    expect(r.intent({ account: 'OTHER-1' })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'UNKNOWN_ACCOUNT', reason: "account 'OTHER-1' is not managed by the risk engine" },
    });
  });

  it('denies an intent on a halted account with the kind and reason of the halt', () => {
    const r = riskEngineRig();
    r.engine.execute({ type: 'kill', account: ACCOUNT, reason: 'news at 10:00', by: 'carol' });
    expect(r.intent()).toMatchObject({
      outcome: 'denied',
      denial: {
        code: 'HALTED',
        reason: 'account is HALTED (manual: news at 10:00); only cancels pass',
      },
    });
  });

  it('says in seconds how old a stale intent is and the age limit', () => {
    const r = riskEngineRig();
    expect(r.intent({}, T - 7_500_000)).toMatchObject({
      outcome: 'denied',
      denial: {
        code: 'STALE_INTENT',
        reason: 'the intent is 7.5 s old; intents older than 5 s are not traded',
      },
    });
  });
});

describe('a broker that cannot take orders', () => {
  it('denies every intent while the broker has not connected, with one alert per episode', () => {
    const r = riskEngineRig({ brokerConnected: false });
    const first = intentAt(T);
    expect(r.engine.process({ kind: 'intent', intent: first })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'BROKER_DISCONNECTED', reason: `${ACCOUNT}: its broker has not connected yet` },
    });
    r.intent();
    const brokerAlerts = () => r.alerts.filter((alert) => alert.code === 'EXECUTION_BROKER_DISCONNECTED');
    expect(brokerAlerts()).toEqual([
      expect.objectContaining({
        severity: 'critical',
        account: ACCOUNT,
        message: `${ACCOUNT}: intent ${first.id} denied: its broker has not connected yet; nothing is sent until it reconnects`,
      }),
    ]);
  });

  it('alerts again on the first denial of a new disconnection after a reconnect', () => {
    const r = riskEngineRig({ brokerConnected: false });
    r.intent();
    r.broker(true, 'connected');
    expect(r.intent()).toEqual({ outcome: 'approved' });
    r.broker(false, 'socket closed');
    const again = intentAt(T);
    expect(r.engine.process({ kind: 'intent', intent: again })).toMatchObject({
      denial: { code: 'BROKER_DISCONNECTED', reason: `${ACCOUNT}: socket closed` },
    });
    expect(
      r.alerts
        .filter((alert) => alert.code === 'EXECUTION_BROKER_DISCONNECTED')
        .map((alert) => alert.message),
    ).toEqual([
      expect.stringContaining('its broker has not connected yet'),
      `${ACCOUNT}: intent ${again.id} denied: socket closed; nothing is sent until it reconnects`,
    ]);
  });

  it('rejects the pending proposals of an account whose broker disconnects, as the broker', () => {
    const r = riskEngineRig({ mode: 'confirm' });
    const waiting = intentAt(T);
    r.engine.process({ kind: 'intent', intent: waiting });
    r.broker(false, 'socket closed');
    expect(r.engine.pendingProposals()).toEqual([]);
    expect(r.decisions.at(-1)).toMatchObject({
      intentId: waiting.id,
      outcome: 'rejected',
      code: 'BROKER_DISCONNECTED',
      reason: 'broker disconnected: socket closed',
      by: 'ninjatrader',
    });
  });
});

describe('what a passed intent records', () => {
  it('records the room of an approved intent, leaving out the unlimited figures', () => {
    // Apex has no daily loss limit: its room is unlimited and not a number worth recording.
    const r = riskEngineRig();
    r.intent();
    expect(r.decisions.at(-1)).toMatchObject({ outcome: 'approved', reason: 'passed every rule' });
    expect(r.decisions.at(-1)?.numbers).toEqual({
      equity: 50_000,
      drawdownRoom: 2_500,
      // 10 minis, half until the trailing threshold stops.
      contractLimit: 5,
      openMinis: 0,
    });
  });

  it('records when a proposal expires', () => {
    const r = riskEngineRig({ mode: 'confirm' });
    r.intent();
    expect(r.decisions.at(-1)).toMatchObject({
      outcome: 'proposed',
      reason: 'passed every rule: waiting for a person to confirm',
      numbers: { expiresAt: T + 120_000_000 },
    });
  });
});

describe('the pending proposals are swept of expired ones once 256 wait', () => {
  const unlimited: RuleProfile = { ...apex, rules: { ...apex.rules, orderRate: undefined } };

  it('keeps an expired proposal while fewer than 256 wait, and drops it when a new intent finds 256', () => {
    const r = riskEngineRig({
      mode: 'confirm',
      profile: unlimited,
      engineOptions: { proposalTtlMicros: 1_000_000 },
    });
    const old = intentAt(T - 3_000_000);
    r.engine.process({ kind: 'intent', intent: old });
    for (let i = 0; i < 254; i++) r.intent();
    expect(r.engine.pendingProposals()).toHaveLength(255);
    // 255 waiting: no sweep, the expired one stays (it expires on the next market print).
    r.intent();
    expect(r.engine.pendingProposals()).toHaveLength(256);
    expect(r.engine.pendingProposals().some((proposal) => proposal.id === old.id)).toBe(true);
    // 256 waiting: the expired one is dropped as expired before the new one is added.
    r.intent();
    expect(r.engine.pendingProposals()).toHaveLength(256);
    expect(r.engine.pendingProposals().some((proposal) => proposal.id === old.id)).toBe(false);
    expect(r.decisions.filter((decision) => decision.outcome === 'expired')).toMatchObject([
      { intentId: old.id, code: 'PROPOSAL_EXPIRED', numbers: { expiresAt: T - 2_000_000, decidedAt: T } },
    ]);
  });
});

describe('the price an intent is checked at', () => {
  it('is the print with the latest time, whatever order the sources arrive in', () => {
    const r = riskEngineRig();
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 2, price: 6010, source: 'pipeline:a' });
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 1, price: 6000 });
    expect(entryPricedAt(r)).toBe(6010);
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 3, price: 6000 });
    expect(entryPricedAt(r)).toBe(6000);
  });

  it('at an equal time, is the print of the source that began printing last', () => {
    const r = riskEngineRig();
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T, price: 6000 });
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T, price: 6010, source: 'pipeline:a' });
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 1, price: 6005 });
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 1, price: 6015, source: 'pipeline:a' });
    expect(entryPricedAt(r)).toBe(6015);
    // The engine's own print arrives last, but pipeline:a began printing after it: pipeline:a still wins.
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 2, price: 6020, source: 'pipeline:a' });
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 2, price: 6000 });
    expect(entryPricedAt(r)).toBe(6020);
  });

  it('ignores the prints of a client that does not trade the account, until it does', () => {
    const trust = new MarketTrust(new Set([ACCOUNT]));
    const r = riskEngineRig({ engineOptions: { marketTrust: trust } });
    const client = clientSource('session-1');
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T, price: 6000 });
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 1, price: 6100, source: client });
    expect(entryPricedAt(r)).toBe(6000);
    trust.grant(client, [ACCOUNT]);
    expect(entryPricedAt(r)).toBe(6100);
  });
});

describe('the time a print gives an account', () => {
  it('a client that does not trade the account cannot bring its forced-flat time', () => {
    const trust = new MarketTrust(new Set([ACCOUNT]));
    const r = riskEngineRig({ profile: topstep, engineOptions: { marketTrust: trust } });
    r.engine.process({ kind: 'position', position: positionAt(T) });
    const flatAt = microsFromIso('2026-11-24T21:09:30Z');
    r.engine.process({
      kind: 'market',
      symbol: 'ES 12-26',
      ts: flatAt,
      price: 6000,
      source: clientSource('s1'),
    });
    expect(r.commands).toEqual([]);
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: flatAt, price: 6000 });
    expect(r.commands).toEqual([
      { type: 'flatten', account: ACCOUNT, reason: 'outside trading hours (flat-window)' },
    ]);
  });
});

describe('rejected orders lower the health score', () => {
  it('counts a rejected order, not a working one', () => {
    const r = riskEngineRig();
    r.engine.process({ kind: 'order', order: orderAt(T, { clientOrderId: 'working-1' }) });
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:01Z', 50_000) });
    expect(r.engine.compliance(ACCOUNT)?.health).toBe(100);
    r.engine.process({
      kind: 'order',
      order: orderAt(T + 2_000_000, { clientOrderId: 'rejected-1', status: 'rejected' }),
    });
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:03Z', 50_000) });
    expect(r.engine.compliance(ACCOUNT)?.health).toBe(95);
  });
});

describe('a breach', () => {
  it('alerts and halts with the rule and its numbers', () => {
    const r = riskEngineRig();
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 50_000, 47_400) });
    const reason = 'trailing drawdown breached: equity 47400 at or below threshold 47500';
    expect(r.alerts.filter((alert) => alert.code === 'RISK_BREACH')).toMatchObject([
      { severity: 'critical', account: ACCOUNT, message: `${ACCOUNT}: ${reason}` },
    ]);
    expect(r.engine.haltOf(ACCOUNT)).toMatchObject({ kind: 'breach', reason, by: 'rules' });
  });
});

describe('the flatten the rules require, once per episode', () => {
  const flatAt = (day: string) => microsFromIso(`${day}T21:09:30Z`);

  it('names every reason the rules give when several require flat at once', () => {
    const r = riskEngineRig({ profile: topstep });
    r.engine.process({ kind: 'position', position: positionAt(T) });
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T21:09:31Z', 50_000, 49_000) });
    expect(r.commands).toEqual([
      {
        type: 'flatten',
        account: ACCOUNT,
        reason:
          'daily loss limit 1000 reached: liquidated, no new orders until 2026-11-24 17:00 America/Chicago (next trading day); outside trading hours (flat-window)',
      },
    ]);
  });

  it('sends it once while the position is still closing, and again in the next episode', () => {
    const r = riskEngineRig({ profile: topstep });
    r.engine.process({ kind: 'position', position: positionAt(T) });
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: flatAt('2026-11-24'), price: 6000 });
    expect(r.commands).toHaveLength(1);
    // The flatten is on its way; an account update in the same episode sends nothing more.
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T21:09:35Z', 50_000) });
    expect(r.commands).toHaveLength(1);
    // The next session opens (flat no longer required); the next day's flat-by time is a new episode.
    r.engine.process({
      kind: 'market',
      symbol: 'ES 12-26',
      ts: microsFromIso('2026-11-24T23:00:00Z'),
      price: 6000,
    });
    expect(r.engine.compliance(ACCOUNT)?.flattenRequired).toBe(false);
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: flatAt('2026-11-25'), price: 6000 });
    expect(r.commands).toEqual([
      { type: 'flatten', account: ACCOUNT, reason: 'outside trading hours (flat-window)' },
      { type: 'flatten', account: ACCOUNT, reason: 'outside trading hours (flat-window)' },
    ]);
  });
});
