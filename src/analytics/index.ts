export { roundTrips, TRADES_SQL, type Trade } from './trades.js';
export {
  performanceStats,
  equityCurve,
  dailyPnl,
  statsBy,
  TRADING_DAYS_PER_YEAR,
  type PerformanceStats,
  type PerformanceOptions,
  type EquityPoint,
  type DailyPnl,
  type GroupKey,
} from './performance.js';
export {
  signalEffectiveness,
  DEFAULT_HORIZONS_SECONDS,
  type SignalEffectiveness,
  type SignalDimension,
} from './signal-effectiveness.js';
export { returnCorrelations, type ReturnCorrelation } from './correlation.js';
export {
  slippage,
  signalToFillLatency,
  type Slippage,
  type SignalToFillLatency,
} from './execution-quality.js';
export { periodOf, ALL_TIME, type Period, type PeriodKind } from './period.js';
export { loadInstrumentSpecs } from './instrument-specs.js';
export {
  recentDecisions,
  newestDecisionTs,
  decisionCounts,
  startingBalances,
  hasDecisions,
  type StoredDecision,
  type DecisionCount,
  type DecisionFilter,
} from './decisions.js';
export {
  equityAnalytics,
  analyseSeries,
  openIntervals,
  type EquityAnalytics,
  type EquityAnalyticsOptions,
  type SeriesAnalytics,
  type PriceSource,
} from './equity-analytics.js';
export {
  markToMarket,
  type EquitySeries,
  type SessionEquity,
  type IntradayPoint,
  type MtmFill,
  type MarketPrice,
} from './mark-to-market.js';
export { TradingSessions, CME_GLOBEX_HOURS, dateOfDay } from './sessions.js';
export {
  returnStatistics,
  type ReturnStatistics,
  type ReturnStatisticsOptions,
} from './return-statistics.js';
export { drawdowns, type DrawdownSummary, type DrawdownEpisode, type PathPoint } from './drawdown.js';
export { tradeStatistics, type TradeStatistics } from './trade-statistics.js';
export { tradeExcursions, type TradeExcursion } from './excursions.js';
export { propView, type PropView } from './prop-view.js';
export { MIN_SESSIONS, formatStatistic, numberOrUndefined, type Statistic } from './statistic.js';
