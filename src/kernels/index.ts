/** The kernels' public surface: feature engines, feature operators, sizing and risk math. */
export { FEATURE_OPERATORS } from './operators/index.js';
export { MIN_WASM_FEATURES, adaptiveFeatureEngine, loadFeatureEngine } from './engine.js';
export { referenceFeatureEngine } from './reference/feature-engine.js';
export {
  loadWasmFeatureEngine,
  loadWasmFeatureEngineSync,
  wasmFeatureEngine,
} from './wasm/feature-engine.js';
export { loadKernelModule, loadKernelModuleSync } from './wasm/module.js';
export { WasmBatchKernels } from './wasm/batch.js';
export { WasmRiskKernels } from './wasm/risk.js';
export * from './reference/sizing.js';
