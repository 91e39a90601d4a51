import type { FeatureEngine, FeatureSpec, FusedFeatureKernel } from '../pipeline/operator.js';
import { referenceFeatureEngine } from './reference/feature-engine.js';
import { loadWasmFeatureEngine } from './wasm/feature-engine.js';

/**
 * Below this many features in a group, the TypeScript kernel is faster per message than one
 * JS→WASM call (the call and the vector copy cost more than a few features' arithmetic); from
 * here on the fused WebAssembly kernel wins. Measured with `npm run bench` (see README).
 */
export const MIN_WASM_FEATURES = 4;

/**
 * Picks the faster engine per fused group: WebAssembly for groups of `minWasmFeatures` or more,
 * the TypeScript reference below that. Both compute the same values (parity-tested), so the
 * choice changes speed only.
 *
 * @example const engine = adaptiveFeatureEngine(await loadWasmFeatureEngine(), referenceFeatureEngine);
 */
export function adaptiveFeatureEngine(
  wasm: FeatureEngine,
  reference: FeatureEngine = referenceFeatureEngine,
  minWasmFeatures = MIN_WASM_FEATURES,
): FeatureEngine {
  return {
    name: 'adaptive',
    fuse(specs: readonly FeatureSpec[]): FusedFeatureKernel {
      return specs.length >= minWasmFeatures ? wasm.fuse(specs) : reference.fuse(specs);
    },
  };
}

/**
 * The feature engine a run should use: `wasm: false` (`--no-wasm`) gives the TypeScript
 * reference; otherwise the adaptive engine over the shared WebAssembly module. Rejects with
 * `KERNEL_WASM_UNAVAILABLE` when the module cannot be loaded (run `npm run build:wasm`).
 *
 * @example const engine = await loadFeatureEngine({ wasm: !options.noWasm });
 */
export async function loadFeatureEngine(options: { wasm?: boolean } = {}): Promise<FeatureEngine> {
  if (options.wasm === false) return referenceFeatureEngine;
  return adaptiveFeatureEngine(await loadWasmFeatureEngine());
}
