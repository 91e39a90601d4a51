import type { PipelineMetricsSnapshot } from '../pipeline/runtime.js';

/**
 * The status line's warm-up segment: the feature steps that have no value yet, with how many
 * bars (or ticks) they have had, e.g. `warming up: channel, atr14 (13 bars)`. Empty once every
 * feature is warm. A step of a second pipeline is named `pipeline.step`.
 */
export function warmUpSegment(pipelines: readonly PipelineMetricsSnapshot[]): string {
  const groups = new Map<string, string[]>();
  for (const pipeline of pipelines) {
    for (const feature of pipeline.features) {
      if (feature.warm) continue;
      const name = pipelines.length > 1 ? `${pipeline.pipeline}.${feature.step}` : feature.step;
      const seen = `${String(feature.inputs)} ${feature.unit}${feature.inputs === 1 ? '' : 's'}`;
      groups.set(seen, [...(groups.get(seen) ?? []), name]);
    }
  }
  if (groups.size === 0) return '';
  const parts = [...groups].map(([seen, names]) => `${names.join(', ')} (${seen})`);
  return `warming up: ${parts.join(', ')}`;
}
