import { describe, expect, it } from 'vitest';
import {
  horizon,
  percent,
  profitFactor,
  statistic,
  winRate,
} from '../../src/dashboard/performance/figures.js';
import type { Figures } from '../../src/dashboard/performance/report-types.js';

const figures = (over: Partial<Figures>): Figures => ({
  trades: 0,
  wins: 0,
  losses: 0,
  netPnl: 0,
  grossPnl: 0,
  commission: 0,
  winRate: null,
  profitFactor: null,
  expectancy: null,
  maxDrawdown: 0,
  tradingDays: 0,
  sharpe: { missing: '0 closing days, fewer than 20' },
  sortino: { missing: '0 closing days, fewer than 20' },
  ...over,
});

describe('the Performance figures as written', () => {
  it('writes a missing statistic as – with its reason, and a present one as its number', () => {
    expect(statistic({ missing: '3 closing days, fewer than 20' })).toEqual({
      text: '–',
      missing: '3 closing days, fewer than 20',
    });
    expect(statistic({ value: 1.2345 })).toEqual({ text: '1.23', missing: null });
  });

  it('says why there is no profit factor or win rate instead of showing a number', () => {
    expect(profitFactor(figures({}))).toEqual({ text: '–', missing: 'no closed trade' });
    expect(profitFactor(figures({ trades: 3, wins: 3 }))).toEqual({ text: '–', missing: 'no losing trade' });
    expect(profitFactor(figures({ trades: 2, profitFactor: 0.7158 }))).toEqual({
      text: '0.72',
      missing: null,
    });
    expect(winRate(figures({}))).toEqual({ text: '–', missing: 'no closed trade' });
    expect(winRate(figures({ trades: 2, winRate: 0.5 }))).toEqual({ text: '50.0 %', missing: null });
  });

  it('writes percentages with a real minus sign and horizons in their unit', () => {
    expect(percent(-0.0019, 2)).toBe('−0.19 %');
    expect(percent(0.207)).toBe('20.7 %');
    expect([60, 300, 900, 3600].map(horizon)).toEqual(['1 min', '5 min', '15 min', '1 h']);
  });
});
