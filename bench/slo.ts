import { readFileSync } from 'node:fs';

interface Target {
  readonly min?: number;
  readonly max?: number;
  readonly what: string;
  /**
   * The same latency measured in the same run without the engine (the bare `ws` round trip). A
   * quick run judges the engine's own share, figure − floor, against 3× the target, so a noisy CI
   * runner whose network path alone takes milliseconds does not fail the gate; the engine's own
   * regressions still do.
   */
  readonly quickFloor?: string;
}

export interface SloRow {
  readonly figure: string;
  readonly target: string;
  readonly measured: string;
  readonly status: 'met' | 'missed' | 'not measured';
}

/** How much worse than its target a figure may be in a quick (CI) run before it counts as a miss. */
export const QUICK_TOLERANCE = 3;

/**
 * Compares measured figures with `bench/slo.json`. A full run misses a target on any shortfall;
 * a quick run only when the figure (less its `quickFloor`, when it has one) is QUICK_TOLERANCE
 * times worse, so noise does not block work.
 */
export function checkSlos(
  figures: Readonly<Record<string, number>>,
  quick: boolean,
): { rows: SloRow[]; missed: number } {
  const targets = JSON.parse(readFileSync(new URL('./slo.json', import.meta.url), 'utf8')) as Record<
    string,
    Target | string
  >;
  const slack = quick ? QUICK_TOLERANCE : 1;
  const rows: SloRow[] = [];
  for (const [figure, target] of Object.entries(targets)) {
    if (typeof target === 'string') continue;
    const measured = figures[figure];
    const wanted = target.min !== undefined ? `≥ ${target.min}` : `≤ ${target.max}`;
    if (measured === undefined) {
      rows.push({ figure, target: wanted, measured: '', status: 'not measured' });
      continue;
    }
    const floor = quick && target.quickFloor !== undefined ? (figures[target.quickFloor] ?? 0) : 0;
    const met =
      (target.min === undefined || measured * slack >= target.min) &&
      (target.max === undefined || measured - floor <= target.max * slack);
    rows.push({
      figure,
      target: wanted,
      measured: String(Number(measured.toPrecision(4))),
      status: met ? 'met' : 'missed',
    });
  }
  return { rows, missed: rows.filter((row) => row.status === 'missed').length };
}
