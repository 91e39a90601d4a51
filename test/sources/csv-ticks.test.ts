import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { checkTimestamp, type Rejection } from '../../src/core/validation.js';
import { parseTickLine, readCsvTicks, TICK_CSV_HEADER } from '../../src/sources/csv-ticks.js';

/** 2025-11-26 00:00 UTC in epoch microseconds; rows below count up from it. */
const T0 = 1_764_115_200_000_000;
const at = (n: number): string => String(T0 + n);

describe('CSV tick reader', () => {
  it('reads ticks in order and rejects each bad row with its reason, keeping the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-csv-'));
    const file = join(dir, 'ticks.csv');
    const rows = [
      TICK_CSV_HEADER,
      `${at(1000)},ES 12-26,6000.26,2,6000,6000.25,buy`,
      `${at(1001)},ES 12-26,NaN,1,6000,6000.25,sell`,
      `${at(1002)},ES 12-26,6000,-1,6000,6000.25,sell`,
      `${at(1003)},XX 12-26,1,1,1,1,buy`,
      `${at(999)},ES 12-26,6000,1,6000,6000.25,sell`,
      `${at(1004)},ES 12-26,6000`,
      `${at(1005)},ES 12-26,6000,1,6000,6000.25,maybe`,
      `${at(1006)},NQ 12-26,21000,3,21000,21000.25,unknown`,
    ];
    await writeFile(file, `${rows.join('\r\n')}\r\n`);
    const rejected: [string, Rejection][] = [];
    const ticks = await lastValueFrom(
      readCsvTicks({ path: file, reject: (line, why) => rejected.push([line, why]) }).pipe(toArray()),
    );
    expect(ticks).toEqual([
      { ts: T0 + 1000, symbol: 'ES 12-26', price: 6000.25, size: 2, bid: 6000, ask: 6000.25, side: 'buy' },
      {
        ts: T0 + 1006,
        symbol: 'NQ 12-26',
        price: 21000,
        size: 3,
        bid: 21000,
        ask: 21000.25,
        side: 'unknown',
      },
    ]);
    expect(rejected.map(([line, why]) => [Number(line.split(',')[0]) - T0, why.code])).toEqual([
      [1001, 'INPUT_NOT_FINITE'],
      [1002, 'INPUT_NEGATIVE_SIZE'],
      [1003, 'INPUT_UNKNOWN_SYMBOL'],
      [999, 'INPUT_TIME_BACKWARDS'],
      [1004, 'INPUT_BAD_ROW'],
      [1005, 'INPUT_BAD_ROW'],
    ]);
  });

  it('ends with an error naming milliseconds for a file of millisecond timestamps, instead of reading 1970 dates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-csv-'));
    const file = join(dir, 'ms.csv');
    const ms = T0 / 1000;
    await writeFile(
      file,
      `${TICK_CSV_HEADER}\n${String(ms)},ES 12-26,6000,1,6000,6000.25,buy\n${String(ms + 1)},ES 12-26,6000,1,6000,6000.25,buy\n`,
    );
    const run = lastValueFrom(readCsvTicks({ path: file, reject: () => undefined }).pipe(toArray()));
    await expect(run).rejects.toThrow(
      `${file} line 2: ts ${String(ms)} (1970-01-21 as microseconds) is outside 1980–2100; ts must be Unix epoch microseconds, and it looks like milliseconds: multiply by 1,000 [INPUT_TIME_OUT_OF_RANGE]`,
    );
  });

  it('rejects a later row whose time is out of range with the likely unit, keeping the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-csv-'));
    const file = join(dir, 'mixed.csv');
    const rows = [
      `${at(1)},ES 12-26,6000,1,6000,6000.25,buy`,
      `${String(T0 / 1_000_000 + 2)},ES 12-26,6000,1,6000,6000.25,buy`,
      `${at(3)},ES 12-26,6000,1,6000,6000.25,buy`,
    ];
    await writeFile(file, `${TICK_CSV_HEADER}\n${rows.join('\n')}\n`);
    const rejected: Rejection[] = [];
    const ticks = await lastValueFrom(
      readCsvTicks({ path: file, reject: (_line, why) => rejected.push(why) }).pipe(toArray()),
    );
    expect(ticks.map((tick) => tick.ts)).toEqual([T0 + 1, T0 + 3]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.code).toBe('INPUT_TIME_OUT_OF_RANGE');
    expect(rejected[0]?.reason).toContain('it looks like seconds: multiply by 1,000,000');
  });

  it('names the likely unit of an out-of-range time by its magnitude', () => {
    expect(checkTimestamp(T0)).toBeUndefined();
    expect(checkTimestamp(T0 / 1_000_000)?.reason).toContain('looks like seconds');
    expect(checkTimestamp(T0 / 1_000_000 + 0.25)?.reason).toContain('looks like seconds');
    expect(checkTimestamp(T0 / 1000)?.reason).toContain('looks like milliseconds');
    expect(checkTimestamp(T0 * 1000)?.reason).toMatch(
      /^ts 1764115200000000000 \(year \d+ as microseconds\) .* looks like nanoseconds: divide by 1,000$/,
    );
    expect(checkTimestamp(42)).toMatchObject({
      code: 'INPUT_TIME_OUT_OF_RANGE',
      reason: expect.stringContaining(
        'no Unix epoch time in seconds, milliseconds, microseconds or nanoseconds',
      ),
    });
    expect(checkTimestamp(-5)?.code).toBe('INPUT_TIME_OUT_OF_RANGE');
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
    expect(parseTickLine(`${at(5)},ZB 12-26,118.03125,1,118,118.03125,buy`)).toMatchObject({
      price: 118.03125,
    });
    expect((parseTickLine(`${at(5)},CL 01-27,70.101,1,70.1,70.11,sell`) as { price: number }).price).toBe(
      70.1,
    );
  });
});
