import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_BAND, PriceBand } from '../../src/core/price-band.js';

const CL = 'CL 01-27';
const TICK = 0.01;
const SECOND = 1_000_000;

describe('PriceBand', () => {
  it('refuses a print beyond the band without moving the reference', () => {
    const band = new PriceBand();
    expect(band.check(CL, 70.12, TICK, 0)).toEqual({ ok: true, reanchored: false });
    const verdict = band.check(CL, 100.25, TICK, 1);
    expect(verdict).toEqual({ ok: false, reference: 70.12, limit: 70.12 * 0.03 });
    expect(band.check(CL, 70.15, TICK, 2)).toEqual({ ok: true, reanchored: false });
  });

  it('accepts a print exactly on the band and refuses one a tick beyond it', () => {
    const band = new PriceBand({ fraction: 0, minTicks: 20, confirmMicros: SECOND });
    band.check(CL, 70, TICK, 0);
    expect(band.check(CL, 70.2, TICK, 1).ok).toBe(true);
    expect(band.check(CL, 70.41, TICK, 2).ok).toBe(false);
  });

  it('follows a real move once the prints beyond the band hold together for the confirmation time', () => {
    const band = new PriceBand({ ...DEFAULT_PRICE_BAND, confirmMicros: 5 * SECOND });
    band.check(CL, 70, TICK, 0);
    expect(band.check(CL, 80, TICK, 1 * SECOND).ok).toBe(false);
    expect(band.check(CL, 80.1, TICK, 3 * SECOND).ok).toBe(false);
    expect(band.check(CL, 80.05, TICK, 6 * SECOND - 1).ok).toBe(false);
    expect(band.check(CL, 80.2, TICK, 6 * SECOND)).toEqual({ ok: true, reanchored: true });
    expect(band.check(CL, 80.3, TICK, 6 * SECOND + 1)).toEqual({ ok: true, reanchored: false });
  });

  it('never follows outliers that do not hold together, however long they go on', () => {
    const band = new PriceBand();
    band.check(CL, 70, TICK, 0);
    for (let i = 1; i <= 100; i++) {
      const outlier = i % 2 === 0 ? 100 : 40;
      expect(band.check(CL, outlier, TICK, i * SECOND).ok).toBe(false);
    }
    expect(band.check(CL, 70.5, TICK, 101 * SECOND).ok).toBe(true);
  });

  it('keeps one reference per instrument', () => {
    const band = new PriceBand();
    band.check(CL, 70, TICK, 0);
    expect(band.check('ES 12-26', 6000, 0.25, 1).ok).toBe(true);
    expect(band.check(CL, 6000, TICK, 2).ok).toBe(false);
  });

  it('accepts every step of a walk whose moves stay inside the band', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.029, max: 0.029, noNaN: true }), { maxLength: 200 }),
        (moves) => {
          const band = new PriceBand();
          let price = 70;
          band.check(CL, price, TICK, 0);
          return moves.every((move, i) => {
            price = Math.max(1, price * (1 + move));
            return band.check(CL, price, TICK, i + 1).ok;
          });
        },
      ),
    );
  });
});
