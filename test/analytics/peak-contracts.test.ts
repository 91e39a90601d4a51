import { describe, expect, it } from 'vitest';
import type { MtmFill } from '../../src/analytics/mark-to-market.js';
import { peakContracts } from '../../src/analytics/peak-contracts.js';

const fill = (ts: number, symbol: string, side: 'buy' | 'sell', quantity: number): MtmFill => ({
  account: 'A',
  symbol,
  ts,
  side,
  quantity,
  price: 100,
  commission: 0,
});

describe('the most contracts an account held', () => {
  it('is the largest absolute net position, first reached', () => {
    const fills = [
      fill(1, 'ES 12-26', 'buy', 2),
      fill(2, 'ES 12-26', 'buy', 1),
      fill(3, 'ES 12-26', 'sell', 3),
      fill(4, 'ES 12-26', 'sell', 1),
      fill(5, 'ES 12-26', 'buy', 4),
      fill(6, 'ES 12-26', 'buy', 1),
    ];
    // Positions 2, 3, 0, −1, 3, 4: the peak is 4 at ts 6 (3 at ts 2 comes first but is smaller).
    expect(peakContracts(fills, 10)).toEqual({ minis: 4, ts: 6 });
  });

  it('counts a flip through zero by the side it lands on', () => {
    expect(peakContracts([fill(1, 'NQ 12-26', 'buy', 2), fill(2, 'NQ 12-26', 'sell', 5)], 10)).toEqual({
      minis: 3,
      ts: 2,
    });
  });

  it('adds every symbol, a micro at 1 / microsPerMini of a full-size contract', () => {
    const fills = [
      fill(1, 'MES 12-26', 'buy', 5),
      fill(2, 'ES 12-26', 'sell', 1),
      fill(3, 'MES 12-26', 'sell', 5),
    ];
    // 5 micros (0.5) + 1 short ES (1) = 1.5 full-size at ts 2; at a 1:1 ratio, 6 at ts 2.
    expect(peakContracts(fills, 10)).toEqual({ minis: 1.5, ts: 2 });
    expect(peakContracts(fills, 1)).toEqual({ minis: 6, ts: 2 });
  });

  it('counts the position held when the period starts, at its start', () => {
    const fills = [
      fill(1, 'ES 12-26', 'buy', 2),
      fill(10, 'ES 12-26', 'sell', 1),
      fill(11, 'ES 12-26', 'buy', 0),
    ];
    expect(peakContracts(fills, 10, 5)).toEqual({ minis: 2, ts: 5 });
    // Nothing traded in the period, the position still open: held from the start.
    expect(peakContracts([fill(1, 'ES 12-26', 'buy', 3)], 10, 5)).toEqual({ minis: 3, ts: 5 });
  });

  it('is null when nothing was held', () => {
    expect(peakContracts([], 10)).toBeNull();
    expect(peakContracts([fill(1, 'ES 12-26', 'buy', 1), fill(2, 'ES 12-26', 'sell', 1)], 10, 5)).toBeNull();
  });
});
