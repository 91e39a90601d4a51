import { describe, expect, it } from 'vitest';
import { warmUpSegment } from '../../src/cli/warm-up.js';
import type { PipelineMetricsSnapshot } from '../../src/pipeline/runtime.js';

function pipeline(id: string, features: PipelineMetricsSnapshot['features']): PipelineMetricsSnapshot {
  return {
    pipeline: id,
    sourceMessages: 0,
    latencyP50Nanos: 0,
    latencyP99Nanos: 0,
    errors: 0,
    deadLetters: 0,
    steps: [],
    features,
  };
}

describe('the status line warm-up segment', () => {
  it('names the features still warming up with the bars they have had, and nothing once all are warm', () => {
    const warming = pipeline('breakout', [
      { step: 'channel', warm: false, inputs: 13, unit: 'bar' },
      { step: 'atr14', warm: true, inputs: 13, unit: 'bar' },
      { step: 'flow', warm: false, inputs: 1, unit: 'tick' },
    ]);
    expect(warmUpSegment([warming])).toBe('warming up: channel (13 bars), flow (1 tick)');
    const both = pipeline('breakout', [
      { step: 'channel', warm: false, inputs: 13, unit: 'bar' },
      { step: 'atr14', warm: false, inputs: 13, unit: 'bar' },
    ]);
    expect(warmUpSegment([both])).toBe('warming up: channel, atr14 (13 bars)');
    expect(
      warmUpSegment([pipeline('breakout', [{ step: 'channel', warm: true, inputs: 20, unit: 'bar' }])]),
    ).toBe('');
    expect(warmUpSegment([both, pipeline('other', [])])).toBe(
      'warming up: breakout.channel, breakout.atr14 (13 bars)',
    );
  });
});
