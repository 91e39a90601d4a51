// Rolling trade statistics and historical tail risk over whole series, mirroring
// RollingTradeStats and RollingTailRisk in src/kernels/reference/sizing.ts.

/**
 * Rolling win rate, payoff ratio and expectancy over the last `window` trades. `ring` is scratch
 * of `window` f64; writes rows of [winRate, payoffRatio, expectancy] per trade.
 */
export function tradeStatisticsSeries(pnls: usize, n: i32, window: i32, ring: usize, out: usize): void {
  let next = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    store<f64>(ring + ((<usize>next) << 3), load<f64>(pnls + ((<usize>t) << 3)));
    next = next + 1 == window ? 0 : next + 1;
    if (count < window) count++;
    let wins: f64 = 0;
    let losses: f64 = 0;
    let winSum: f64 = 0;
    let lossSum: f64 = 0;
    let total: f64 = 0;
    for (let i = 0; i < count; i++) {
      const pnl = load<f64>(ring + ((<usize>i) << 3));
      total += pnl;
      if (pnl > 0) {
        wins++;
        winSum += pnl;
      } else if (pnl < 0) {
        losses++;
        lossSum -= pnl;
      }
    }
    const averageWin = wins > 0 ? winSum / wins : 0;
    const averageLoss = losses > 0 ? lossSum / losses : 0;
    const row = out + <usize>(t * 24);
    store<f64>(row, wins / <f64>count, 0);
    store<f64>(row, averageWin > 0 && averageLoss > 0 ? averageWin / averageLoss : 0, 8);
    store<f64>(row, total / <f64>count, 16);
  }
}

/**
 * Rolling historical VaR and expected shortfall (positive losses) at `confidence` over the last
 * `window` returns. The window is kept sorted (O(window) per value); `ring` and `sorted` are
 * scratch of `window` f64 each. Writes rows of [VaR, ES].
 */
export function tailRiskSeries(
  returns: usize,
  n: i32,
  window: i32,
  confidence: f64,
  ring: usize,
  sorted: usize,
  out: usize,
): void {
  let next = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    const x = load<f64>(returns + ((<usize>t) << 3));
    if (count == window) {
      // Remove the value leaving the window from the sorted copy.
      const old = load<f64>(ring + ((<usize>next) << 3));
      let at = 0;
      while (at < count - 1 && load<f64>(sorted + ((<usize>at) << 3)) != old) at++;
      memory.copy(
        sorted + ((<usize>at) << 3),
        sorted + ((<usize>(at + 1)) << 3),
        (<usize>(count - 1 - at)) << 3,
      );
      count--;
    }
    store<f64>(ring + ((<usize>next) << 3), x);
    next = next + 1 == window ? 0 : next + 1;
    let at = count;
    while (at > 0 && load<f64>(sorted + ((<usize>(at - 1)) << 3)) > x) at--;
    memory.copy(sorted + ((<usize>(at + 1)) << 3), sorted + ((<usize>at) << 3), (<usize>(count - at)) << 3);
    store<f64>(sorted + ((<usize>at) << 3), x);
    count++;
    let k = <i32>Math.ceil((1 - confidence) * <f64>count - 1e-12);
    if (k < 1) k = 1;
    let tail: f64 = 0;
    for (let i = 0; i < k; i++) tail += load<f64>(sorted + ((<usize>i) << 3));
    const row = out + ((<usize>t) << 4);
    store<f64>(row, -load<f64>(sorted + ((<usize>(k - 1)) << 3)), 0);
    store<f64>(row, -tail / <f64>k, 8);
  }
}
