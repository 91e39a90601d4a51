/** A two-sided confidence interval for a proportion. */
export interface ProportionInterval {
  readonly low: number;
  readonly high: number;
}

/** z of a two-sided 95 % interval (the normal quantile at 0.975). */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval of `successes` out of `trials`: centre (p̂ + z²/2n) / (1 + z²/n),
 * half-width z √(p̂(1 − p̂)/n + z²/4n²) / (1 + z²/n). Unlike the normal (Wald) interval it stays
 * inside [0, 1] and is not zero-width at 0 or n successes, which matters for the small buckets of
 * signal effectiveness. Null without trials.
 *
 * @example wilsonInterval(7, 10) // { low: 0.3968, high: 0.8922 }
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): ProportionInterval | null {
  if (!(trials > 0)) return null;
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
