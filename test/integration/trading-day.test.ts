import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundTrips } from '../../src/analytics/index.js';
import { TOPICS } from '../../src/bus/topics.js';
import type { Fill } from '../../src/core/events.js';
import { Engine, preparePipeline } from '../../src/engine.js';
import { openReadOnly } from '../../src/reports/open-database.js';

/** Dollars per point of the instruments the default pipeline trades (CME contract specs). */
const POINT_VALUE: Record<string, number> = { ES: 50, NQ: 20, CL: 1000 };

interface Lot {
  readonly side: Fill['side'];
  quantity: number;
  readonly price: number;
  readonly commissionPerContract: number;
}

/**
 * First-in-first-out round trips of `fills` (in the order they happened), per account and
 * instrument, summed: an independent reckoning of what the analytics SQL should find.
 */
function fifoTotals(fills: readonly Fill[]) {
  const open = new Map<string, Lot[]>();
  const totals = { trades: 0, quantity: 0, grossPnl: 0, commission: 0 };
  for (const fill of fills) {
    const key = `${fill.account} ${fill.symbol}`;
    const lots = open.get(key) ?? [];
    open.set(key, lots);
    const pointValue = POINT_VALUE[fill.symbol.split(' ')[0] as string];
    if (pointValue === undefined) throw new Error(`no point value for ${fill.symbol}`);
    const perContract = fill.commission / fill.quantity;
    let left = fill.quantity;
    while (left > 0 && lots[0] !== undefined && lots[0].side !== fill.side) {
      const lot = lots[0];
      const quantity = Math.min(left, lot.quantity);
      const points = lot.side === 'buy' ? fill.price - lot.price : lot.price - fill.price;
      totals.trades += 1;
      totals.quantity += quantity;
      totals.grossPnl += points * quantity * pointValue;
      totals.commission += quantity * (perContract + lot.commissionPerContract);
      lot.quantity -= quantity;
      left -= quantity;
      if (lot.quantity === 0) lots.shift();
    }
    if (left > 0)
      lots.push({ side: fill.side, quantity: left, price: fill.price, commissionPerContract: perContract });
  }
  return totals;
}

describe('a simulated trading day through the default pipeline', () => {
  it('produces trades that the paper broker fills, the store keeps and the analytics rebuild', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-day-'));
    // The default pipeline, with a whole regular session of simulated market replayed at full speed.
    const pipeline = (await readFile(new URL('../../pipelines/default.yaml', import.meta.url), 'utf8'))
      .replace('ticksPerSecond: 100', 'ticksPerSecond: 25')
      .replace('      backfill: 30m', "      start: '2026-03-03T14:30:00Z'\n      duration: 390m");
    expect(pipeline).toContain('duration: 390m');
    const file = join(dir, 'day.yaml');
    await writeFile(file, pipeline);
    const { compiled } = await preparePipeline(file);
    const database = join(dir, 'day.duckdb');
    const engine = await Engine.create({
      mode: 'replay',
      dataDir: dir,
      wasm: true,
      trading: { watchHaltFile: false },
      storePath: database,
    });
    const fills: Fill[] = [];
    engine.bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
    engine.add(compiled);
    engine.start();
    await engine.finished();
    expect(fills.length).toBeGreaterThan(10);

    const { connection, close } = await openReadOnly(database);
    try {
      const stored = Number((await connection.runAndReadAll('SELECT count(*) FROM fills')).getRows()[0]?.[0]);
      expect(stored).toBe(fills.length);
      const trades = await roundTrips(connection);
      expect(trades.length).toBeGreaterThan(0);
      // The same round trips matched here, from the fills as the bus delivered them: the SQL
      // matching must agree on contracts closed, dollars and commissions.
      const expected = fifoTotals(fills);
      const sum = (pick: (trade: (typeof trades)[number]) => number) =>
        trades.reduce((total, trade) => total + pick(trade), 0);
      expect(trades).toHaveLength(expected.trades);
      expect(sum((t) => t.quantity)).toBe(expected.quantity);
      expect(sum((t) => t.grossPnl)).toBeCloseTo(expected.grossPnl, 6);
      expect(sum((t) => t.commission)).toBeCloseTo(expected.commission, 6);
      expect(sum((t) => t.netPnl)).toBeCloseTo(expected.grossPnl - expected.commission, 6);
    } finally {
      close();
    }
  });
});
