import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/store/batch.js';
import { BASE_TS } from './helpers.js';

describe('a store batch as it is sealed for the writer thread', () => {
  it('carries only the tables that received rows', () => {
    const batch = new Batch();
    batch.buffer('alerts').push([1, BASE_TS, 'info', 'TEST', 'alert 1', null, null]);
    batch.buffer('fills'); // opened, never written to
    const sealed = batch.seal();
    expect(sealed.batch.rows.map(([table]) => table)).toEqual(['alerts']);
  });

  it('hands the tick and bar columns over by transfer, every one of them, instead of copying them', () => {
    const sealed = new Batch().seal();
    const columns = [...sealed.batch.ticks.columns, ...sealed.batch.bars.columns];
    expect(columns.length).toBeGreaterThan(0);
    expect(sealed.transfer).toHaveLength(columns.length);
    for (const column of columns) expect(sealed.transfer).toContain(column);
  });
});
