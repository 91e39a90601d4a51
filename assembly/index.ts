// Exports only: the module's whole surface, as the JS side (src/kernels/wasm/) sees it.
export { allocate } from './util/memory';
export {
  fusedBar,
  fusedTick,
  fusedBarAt,
  fusedTickAt,
  fusedBarSeries,
  fusedTickSeries,
} from './indicators/fused';
export {
  emaSeries,
  smaSeries,
  wilderSeries,
  rsiSeries,
  stdevSeries,
  zscoreSeries,
  atrSeries,
} from './indicators/batch';
export {
  kellyFraction,
  kellyFractionContinuous,
  contractsForRiskBudget,
  kellyContracts,
  drawdownSeries,
} from './risk/sizing';
export { tradeStatisticsSeries, tailRiskSeries } from './risk/statistics';

/** Module interface version; the loader refuses a build/enigma.wasm from another version. */
export function version(): i32 {
  return 2;
}
