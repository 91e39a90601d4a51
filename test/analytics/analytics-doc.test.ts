import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drawdowns } from '../../src/analytics/drawdown.js';
import { returnStatistics } from '../../src/analytics/return-statistics.js';
import { TradingSessions } from '../../src/analytics/sessions.js';

const DOC = readFileSync(new URL('../../docs/analytics.md', import.meta.url), 'utf8');

describe('docs/analytics.md', () => {
  it('its worked example of the ratios is what the code computes', () => {
    const returns = [0.01, -0.005, 0, 0.004, -0.002];
    const N = new TradingSessions().sessionsPerYear;
    let equity = 100_000;
    const path = [{ ts: 0, session: 0, equity }];
    returns.forEach((r, i) => path.push({ ts: i + 1, session: i + 1, equity: (equity *= 1 + r) }));
    const drawdown = drawdowns(path);
    const s = returnStatistics(returns, {
      sessionsPerYear: N,
      maxDrawdownPercent: drawdown.maxDepthPercent,
      minSessions: 1,
    });
    const shown = (statistic: typeof s.sharpe, format: (v: number) => string): string =>
      'value' in statistic ? format(statistic.value) : 'missing';
    expect(N.toFixed(4)).toBe('260.8875');
    expect(DOC).toContain(`**${shown(s.sharpe, (v) => v.toFixed(3))}**`);
    expect(DOC).toContain(`**${shown(s.sortino, (v) => v.toFixed(3))}**`);
    expect(DOC).toContain(`**${shown(s.annualReturnArithmetic, (v) => (v * 100).toFixed(2))} %**`);
    expect(DOC).toContain(`**${shown(s.annualReturnGeometric, (v) => (v * 100).toFixed(2))} %**`);
    expect(DOC).toContain(`**${shown(s.volatility, (v) => (v * 100).toFixed(2))} %**`);
    expect(DOC).toContain(`**${shown(s.calmar, (v) => v.toFixed(1))}**`);
    expect(drawdown.maxDepth).toBeCloseTo(505, 9);
    // With the report's minimum, the same five sessions give no ratio at all.
    const report = returnStatistics(returns, { sessionsPerYear: N, maxDrawdownPercent: 0.005 });
    expect('missing' in report.sharpe && report.sharpe.missing).toBe(
      '5 sessions, fewer than the 20 a ratio needs',
    );
  });
});
