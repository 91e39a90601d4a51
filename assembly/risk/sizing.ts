// Sizing and drawdown math, mirroring src/kernels/reference/sizing.ts.

/** Kelly fraction for a binary outcome: p − (1 − p)/b; 0 for b ≤ 0 or p outside [0, 1]. */
export function kellyFraction(p: f64, b: f64): f64 {
  if (!(p >= 0 && p <= 1) || !(b > 0) || !isFinite(b)) return 0;
  return p - (1 - p) / b;
}

/** Kelly fraction for a continuous distribution: μ/σ²; 0 without variance. */
export function kellyFractionContinuous(mean: f64, variance: f64): f64 {
  if (!(variance > 0) || !isFinite(variance) || !isFinite(mean)) return 0;
  return mean / variance;
}

function wholeContracts(x: f64): f64 {
  return Math.floor(x + 1e-9);
}

/** Whole contracts whose loss at the stop fits the budget. */
export function contractsForRiskBudget(budget: f64, stop: f64, pointValue: f64): f64 {
  if (!(budget > 0) || !(stop > 0) || !(pointValue > 0)) return 0;
  const risk = stop * pointValue;
  if (!isFinite(risk) || !isFinite(budget)) return 0;
  return wholeContracts(budget / risk);
}

/** Fractional Kelly contracts capped by the risk budget and a hard cap. */
export function kellyContracts(
  p: f64,
  b: f64,
  fraction: f64,
  equity: f64,
  stop: f64,
  pointValue: f64,
  budget: f64,
  maxContracts: f64,
): f64 {
  const f = kellyFraction(p, b);
  if (!(f > 0) || !(fraction > 0) || !(equity > 0) || !(maxContracts >= 1)) return 0;
  if (!isFinite(fraction) || !isFinite(equity)) return 0;
  const cap = contractsForRiskBudget(budget, stop, pointValue);
  if (cap == 0) return 0;
  const kelly = wholeContracts((fraction * f * equity) / (stop * pointValue));
  return Math.max(0, Math.min(Math.min(kelly, cap), Math.floor(maxContracts)));
}

/**
 * Drawdown over an equity curve: writes rows of [peak, drawdown, maxDrawdown, breached (0/1)]
 * with a trailing threshold `trail` below the peak; returns the maximum drawdown.
 */
export function drawdownSeries(equity: usize, n: i32, trail: f64, out: usize): f64 {
  let peak = -Infinity;
  let worst: f64 = 0;
  let breached: f64 = 0;
  for (let i = 0; i < n; i++) {
    const value = load<f64>(equity + ((<usize>i) << 3));
    if (value > peak) peak = value;
    const drawdown = peak - value;
    if (drawdown > worst) worst = drawdown;
    if (value <= peak - trail) breached = 1;
    const row = out + ((<usize>i) << 5);
    store<f64>(row, peak, 0);
    store<f64>(row, drawdown, 8);
    store<f64>(row, worst, 16);
    store<f64>(row, breached, 24);
  }
  return worst;
}
