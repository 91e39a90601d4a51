import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../src/core/validation.js';
import { parseTickLine, readCsvTicks, TICK_CSV_HEADER } from '../../src/sources/csv-ticks.js';

describe('CSV tick reader', () => {
  it('reads ticks in order and rejects each bad row with its reason, keeping the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-csv-'));
    const file = join(dir, 'ticks.csv');
    const rows = [
      TICK_CSV_HEADER,
      '1000,ES 12-26,6000.26,2,6000,6000.25,buy',
      '1001,ES 12-26,NaN,1,6000,6000.25,sell',
      '1002,ES 12-26,6000,-1,6000,6000.25,sell',
      '1003,XX 12-26,1,1,1,1,buy',
      '999,ES 12-26,6000,1,6000,6000.25,sell',
      '1004,ES 12-26,6000',
      '1005,ES 12-26,6000,1,6000,6000.25,maybe',
      '1006,NQ 12-26,21000,3,21000,21000.25,unknown',
    ];
    await writeFile(file, `${rows.join('\r\n')}\r\n`);
    const rejected: [string, Rejection][] = [];
    const ticks = await lastValueFrom(
      readCsvTicks({ path: file, reject: (line, why) => rejected.push([line, why]) }).pipe(toArray()),
    );
    expect(ticks).toEqual([
      { ts: 1000, symbol: 'ES 12-26', price: 6000.25, size: 2, bid: 6000, ask: 6000.25, side: 'buy' },
      { ts: 1006, symbol: 'NQ 12-26', price: 21000, size: 3, bid: 21000, ask: 21000.25, side: 'unknown' },
    ]);
    expect(rejected.map(([line, why]) => [line.split(',')[0], why.code])).toEqual([
      ['1001', 'INPUT_NOT_FINITE'],
      ['1002', 'INPUT_NEGATIVE_SIZE'],
      ['1003', 'INPUT_UNKNOWN_SYMBOL'],
      ['999', 'INPUT_TIME_BACKWARDS'],
      ['1004', 'INPUT_BAD_ROW'],
      ['1005', 'INPUT_BAD_ROW'],
    ]);
  });

  it('ends with an error for a wrong header or a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-csv-'));
    await writeFile(join(dir, 'bad.csv'), 'time,price\n1,2\n');
    await expect(
      lastValueFrom(readCsvTicks({ path: join(dir, 'bad.csv'), reject: () => undefined })),
    ).rejects.toThrow(/must start with the header/);
    await expect(
      lastValueFrom(readCsvTicks({ path: join(dir, 'none.csv'), reject: () => undefined })),
    ).rejects.toThrow(/ENOENT/);
  });

  it('parses a line without rounding surprises (prices snapped to the tick)', () => {
    expect(parseTickLine('5,ZB 12-26,118.03125,1,118,118.03125,buy')).toMatchObject({ price: 118.03125 });
    expect((parseTickLine('5,CL 01-27,70.101,1,70.1,70.11,sell') as { price: number }).price).toBe(70.1);
  });
});
