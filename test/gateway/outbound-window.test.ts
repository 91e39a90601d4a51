import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OutboundWindow } from '../../src/gateway/outbound-window.js';

type Step = { push: true } | { acknowledge: number };

describe('the outbound window', () => {
  it('holds, evicts and resends exactly as a plain list bounded to its capacity, while its ring grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.array(
          fc.oneof(
            fc.constant<Step>({ push: true }),
            fc.nat({ max: 300 }).map((n): Step => ({ acknowledge: n })),
          ),
          {
            maxLength: 400,
          },
        ),
        (capacity, steps) => {
          const window = new OutboundWindow(capacity);
          let model: number[] = [];
          let evicted = 0;
          let seq = 0;
          for (const step of steps) {
            if ('push' in step) {
              seq += 1;
              window.push(seq, `m${String(seq)}`);
              model.push(seq);
              if (model.length > capacity) {
                model.shift();
                evicted += 1;
              }
            } else {
              window.acknowledge(step.acknowledge);
              model = model.filter((held) => held > step.acknowledge);
            }
            expect(window.size).toBe(model.length);
            expect(window.firstSeq).toBe(model[0]);
          }
          expect(window.after(0)).toEqual(model.map((held) => `m${String(held)}`));
          expect(window.after(seq - 3)).toEqual(
            model.filter((held) => held > seq - 3).map((held) => `m${String(held)}`),
          );
          expect(window.evicted).toBe(evicted);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts small: a session that is never sent anything does not hold a full-size ring', () => {
    expect(new OutboundWindow(10_000).slots).toBe(16);
  });

  it('doubles its ring only when every slot holds a waiting message, and never past its capacity', () => {
    const window = new OutboundWindow(100);
    const slotsAfter: number[] = [];
    for (let seq = 1; seq <= 120; seq++) {
      window.push(seq, `m${String(seq)}`);
      slotsAfter.push(window.slots);
    }
    // 16 slots hold messages 1–16; the 17th doubles to 32, the 33rd to 64, the 65th to the capacity.
    expect(slotsAfter.slice(0, 16).every((slots) => slots === 16)).toBe(true);
    expect(slotsAfter[16]).toBe(32);
    expect(slotsAfter[32]).toBe(64);
    expect(slotsAfter[64]).toBe(100);
    expect(Math.max(...slotsAfter)).toBe(100);
    // Acknowledged messages free their slots: the ring is reused, not grown.
    window.acknowledge(115);
    for (let seq = 121; seq <= 180; seq++) window.push(seq, `m${String(seq)}`);
    expect(window.slots).toBe(100);
    expect(window.evicted).toBe(20);
  });
});
