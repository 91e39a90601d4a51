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
