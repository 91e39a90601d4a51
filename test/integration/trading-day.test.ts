import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundTrips } from '../../src/analytics/index.js';
import { TOPICS } from '../../src/bus/topics.js';
import type { Fill } from '../../src/core/events.js';
import { Engine, preparePipeline } from '../../src/engine.js';
import { openReadOnly } from '../../src/reports/open-database.js';

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
      // Every closed contract is one entry fill and one exit fill: the round trips cannot hold more
      // contracts than half the filled quantity.
      const filled = fills.reduce((sum, fill) => sum + fill.quantity, 0);
      expect(trades.reduce((sum, trade) => sum + trade.quantity, 0)).toBeLessThanOrEqual(filled / 2);
      for (const trade of trades) expect(trade.netPnl).toBeCloseTo(trade.grossPnl - trade.commission, 6);
    } finally {
      close();
    }
  });
});
