import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTrips } from '../../src/analytics/trades.js';
import type { Fill } from '../../src/core/events.js';
import { openReadOnly } from '../../src/reports/open-database.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../store/helpers.js';

interface Match {
  entry: string;
  exit: string;
  quantity: number;
}

/** Textbook FIFO: a queue of open lots on one side; each fill closes the oldest lots first. */
function referenceFifo(fills: readonly Fill[]): Match[] {
  const lots: { fillId: string; side: Fill['side']; quantity: number }[] = [];
  const matches: Match[] = [];
  for (const fill of fills) {
    let remaining = fill.quantity;
    while (remaining > 0 && lots.length > 0 && lots[0]?.side !== fill.side) {
      const lot = lots[0] as (typeof lots)[number];
      const quantity = Math.min(lot.quantity, remaining);
      matches.push({ entry: lot.fillId, exit: fill.fillId, quantity });
      lot.quantity -= quantity;
      remaining -= quantity;
      if (lot.quantity === 0) lots.shift();
    }
    if (remaining > 0) lots.push({ fillId: fill.fillId, side: fill.side, quantity: remaining });
  }
  return matches;
}

const fillsArbitrary = fc.array(
  fc.record({
    side: fc.constantFrom<Fill['side']>('buy', 'sell'),
    quantity: fc.integer({ min: 1, max: 5 }),
    ticks: fc.integer({ min: -40, max: 40 }),
  }),
  { minLength: 1, maxLength: 25 },
);

describe('FIFO round trips in SQL', () => {
  it('match a textbook FIFO queue for any sequence of fills, and price the flat part exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fillsArbitrary, async (drafts) => {
        const fills: Fill[] = drafts.map((d, i) => ({
          fillId: `f${i}`,
          clientOrderId: `o${i}`,
          account: 'A',
          symbol: 'ES 12-26',
          ts: 1_790_000_000_000_000 + Math.floor(i / 2) * 1_000_000, // pairs share a timestamp: order by seq
          side: d.side,
          quantity: d.quantity,
          price: 5000 + d.ticks * 0.25,
          commission: 0,
        }));
        const temp = tempDir('enigma-fifo-');
        const store = await Store.open(temp.file('fills.duckdb'));
        try {
          for (const fill of fills) store.writeFill(fill);
          await store.close();
          const database = await openReadOnly(temp.file('fills.duckdb'));
          const trades = await roundTrips(database.connection).finally(() => database.close());
          expect(
            trades.map((t) => ({ entry: t.entryFillId, exit: t.exitFillId, quantity: t.quantity })),
          ).toEqual(referenceFifo(fills));
          const bought = fills.filter((f) => f.side === 'buy').reduce((a, f) => a + f.quantity, 0);
          const sold = fills.filter((f) => f.side === 'sell').reduce((a, f) => a + f.quantity, 0);
          if (bought === sold) {
            const cash = fills.reduce((a, f) => a + (f.side === 'sell' ? 1 : -1) * f.price * f.quantity, 0);
            expect(trades.reduce((a, t) => a + t.grossPnl, 0)).toBeCloseTo(cash * 50, 6);
          }
        } finally {
          await store.close();
          temp.remove();
        }
      }),
      { numRuns: 40 },
    );
    // 40 real DuckDB files, each opened, written, closed and read: slow on a busy 2-core machine.
  }, 180_000);
});
