import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SequenceLedger } from '../../bench/e2e/sequence-ledger.js';

function ledgerOf(arrivals: readonly number[]): SequenceLedger {
  const ledger = new SequenceLedger();
  for (const seq of arrivals) ledger.receive(seq);
  return ledger;
}

describe('SequenceLedger', () => {
  it('counts a hole, a second copy and a late arrival once each', () => {
    expect(ledgerOf([1, 3, 2, 2, 5]).counts()).toEqual({ received: 4, lost: 1, duplicated: 1, reordered: 1 });
  });

  it('counts messages missing at the end only against the expected count', () => {
    expect(ledgerOf([1, 2, 3]).counts()).toEqual({ received: 3, lost: 0, duplicated: 0, reordered: 0 });
    expect(ledgerOf([1, 2, 3]).counts(5).lost).toBe(2);
  });

  it('acknowledges up to the first hole and moves on once it is filled', () => {
    const ledger = ledgerOf([1, 2, 4, 5]);
    expect(ledger.lastContiguous).toBe(2);
    ledger.receive(3);
    expect(ledger.lastContiguous).toBe(5);
  });

  it('finds exactly the dropped and duplicated seqs of any in-order stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('keep', 'drop', 'twice'), { minLength: 1, maxLength: 3000 }),
        (fates) => {
          const arrivals: number[] = [];
          fates.forEach((fate, i) => {
            if (fate !== 'drop') arrivals.push(i + 1);
            if (fate === 'twice') arrivals.push(i + 1);
          });
          const counts = ledgerOf(arrivals).counts(fates.length);
          expect(counts.lost).toBe(fates.filter((fate) => fate === 'drop').length);
          expect(counts.duplicated).toBe(fates.filter((fate) => fate === 'twice').length);
          expect(counts.reordered).toBe(0);
        },
      ),
    );
  });
});
