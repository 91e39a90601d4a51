import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { formatDenials } from '../../src/cli/denial-names.js';
import { formatRunSummary } from '../../src/cli/run-summary.js';
import {
  formatTradingStatus,
  TradingTally,
  tallySeedOf,
  type TradingSnapshot,
} from '../../src/cli/trading-tally.js';
import { ReplayClock } from '../../src/core/clock.js';
import { startTrading } from '../../src/trading.js';
import { esTick, intent, T0 } from '../execution/execution-helpers.js';

const account = {
  account: 'SIM-50K',
  ts: T0,
  currency: 'USD',
  balance: 49_975,
  equity: 49_975,
  realizedPnlToday: -25,
  unrealizedPnl: 0,
};

describe('the status line and the run summary', () => {
  it('shows denials by reason, most frequent first, with short names', () => {
    expect(
      formatDenials(
        new Map([
          ['OUTSIDE_TRADING_HOURS', 1],
          ['STALE_INTENT', 80],
        ]),
      ),
    ).toBe('denied 81: stale 80, session closed 1');
    expect(formatDenials(new Map())).toBe('denied 0');
    // A code added later without a short name still reads as words.
    expect(formatDenials(new Map([['BROKER_NOT_CONNECTED', 2]]))).toBe('denied 2: broker not connected 2');
  });

  it('formats the trading part of the status line with each account and its state', () => {
    const snapshot: TradingSnapshot = {
      intents: 83,
      fills: 2,
      outcomes: new Map([
        ['denied', 81],
        ['approved', 2],
      ]),
      denials: new Map([
        ['STALE_INTENT', 80],
        ['OUTSIDE_TRADING_HOURS', 1],
      ]),
      accounts: [
        {
          id: 'SIM-50K',
          state: 'HALTED',
          reasons: ['manual: news'],
          health: 0,
          balances: account,
          startingEquity: 50_000,
          positions: [],
        },
        {
          id: 'APEX-12345',
          state: 'ACTIVE',
          reasons: [],
          health: 100,
          balances: undefined,
          startingEquity: undefined,
          positions: [],
        },
      ],
    };
    expect(formatTradingStatus(snapshot)).toBe(
      'orders 83 (denied 81: stale 80, session closed 1) fills 2 | SIM-50K HALTED $49,975.00 | APEX-12345 ACTIVE no balance yet',
    );
    expect(formatRunSummary(snapshot)).toBe(
      [
        'trading: 83 order intents (approved 2, denied 81: stale 80, session closed 1), 2 fills',
        'account SIM-50K: HALTED (manual: news), balance $49,975.00, equity $49,975.00, P&L -$25.00, realised today -$25.00, health 0, position flat',
        'account APEX-12345: ACTIVE, no balance reported, health 100, position flat',
        '',
      ].join('\n'),
    );
  });

  it('lists every account from the start, with denials from the risk engine and a halt as it happens', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-tally-'));
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const trading = startTrading(bus, clock, {
      dataDir,
      watchHaltFile: false,
      accounts: [
        { id: 'SIM-50K', profile: 'apex-50k-evaluation', mode: 'auto' },
        { id: 'SIM-B', profile: 'apex-50k-evaluation', mode: 'auto', startingBalance: 25_000 },
      ],
    });
    try {
      const tally = new TradingTally(bus).seed(tallySeedOf(trading, () => clock.now()));
      expect(tally.line()).toBe(
        'orders 0 (denied 0) fills 0 | SIM-50K ACTIVE $50,000.00 | SIM-B ACTIVE $25,000.00',
      );

      bus.publish(TOPICS.ticks, esTick(T0, 6000));
      bus.publish(TOPICS.orderIntents, intent({ ts: T0 - 60_000_000 }));
      bus.publish(TOPICS.orderIntents, intent({ ts: T0 - 30_000_000 }));
      bus.publish(TOPICS.orderIntents, intent({ quantity: 9 }));
      bus.publish(TOPICS.orderIntents, intent({ quantity: 2 }));
      trading.execute({ type: 'kill', account: 'SIM-B', reason: 'news', by: 'test' });

      expect(tally.line()).toMatch(
        /^orders 4 \(denied 3: stale 2, contract limit 1\) fills \d+ \| SIM-50K ACTIVE \$[\d,.]+ \| SIM-B HALTED \$25,000\.00$/,
      );
      const summary = formatRunSummary(tally.snapshot());
      expect(summary).toMatch(
        /^account SIM-50K: ACTIVE, balance \$[\d,.]+, equity \$[\d,.]+, P&L -?\$[\d,.]+, realised today -?\$[\d,.]+, health \d+, position ES 12-26 long 2 @ 6,000\.\d+ \(open -?\$[\d,.]+\)$/m,
      );
      expect(summary).toContain(
        'account SIM-B: HALTED (manual: news), balance $25,000.00, equity $25,000.00, P&L $0.00, realised today $0.00, health 0, position flat',
      );
    } finally {
      await trading.close();
    }
  });

  it("marks the summary's open positions to the last price, not to the price at the fill", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-tally-'));
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const trading = startTrading(bus, clock, {
      dataDir,
      watchHaltFile: false,
      accounts: [{ id: 'SIM-50K', profile: 'apex-50k-evaluation', mode: 'auto' }],
      paper: { latencyMicros: 0, slippageTicks: 0, commissions: {} },
    });
    try {
      const seed = tallySeedOf(trading, () => clock.now());
      const tally = new TradingTally(bus).seed(seed);
      bus.publish(TOPICS.ticks, esTick(T0, 6000));
      bus.publish(TOPICS.orderIntents, intent({ quantity: 1 }));
      bus.publish(TOPICS.ticks, esTick(T0 + 1_000, 6000));
      const entry = tally.snapshot().accounts[0]?.positions[0];
      expect(entry?.quantity).toBe(1);
      // ES moves 4 points (16 ticks × $12.50 = $200) after the fill; no fill reports it.
      clock.advanceTo(T0 + 2_000);
      bus.publish(TOPICS.ticks, esTick(T0 + 2_000, 6004 + (entry?.averagePrice ?? 6000) - 6000));
      tally.refreshPositions(seed);
      expect(formatRunSummary(tally.snapshot())).toContain('(open $200.00)');
    } finally {
      await trading.close();
    }
  });
});
