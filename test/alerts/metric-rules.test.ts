import { describe, expect, it } from 'vitest';
import type { RaisedAlert } from '../../src/alerts/alert-rules.js';
import type { AlertRuleConfig } from '../../src/alerts/alerts-config.js';
import { bucketQuantile, CounterWindow } from '../../src/alerts/counter-window.js';
import { MetricRules } from '../../src/alerts/metric-rules.js';
import type { MetricsReader, ReadablePipeline } from '../../src/alerts/metrics-reader.js';
import { Deduplicator } from '../../src/alerts/deduplicator.js';
import { LATENCY_BUCKET_BOUNDS_NANOS, LatencyHistogram } from '../../src/pipeline/metrics.js';

/** 2026-12-07 (a Monday) 15:00 UTC, 09:00 in Chicago. */
const T0 = Date.UTC(2026, 11, 7, 15, 0) * 1000;

/**
 * A hand-driven engine: real latency histograms a test records into, counters it sets, and a
 * wall clock it moves; `tick()` advances a second and runs one evaluation.
 */
function engineFigures(rules: AlertRuleConfig[], options: { dedupe?: boolean; noStore?: boolean } = {}) {
  const pipeline = new LatencyHistogram();
  const step = new LatencyHistogram();
  const figures = { backlog: 0, commitP99Millis: 0, deadLetters: 0, loopNanos: 0, marketOut: 0, nowMs: 0 };
  let engineNow = T0;
  const reader: MetricsReader = {
    now: () => engineNow,
    pipelines: (): ReadablePipeline[] => [
      {
        id: 'es',
        latency: pipeline.buckets().counts,
        steps: [
          {
            id: 'market',
            latency: new Float64Array(21),
            out: figures.marketOut,
            source: true,
            marketSource: true,
          },
          { id: 'fills', latency: new Float64Array(21), out: 0, source: true, marketSource: false },
          { id: 'signal', latency: step.buckets().counts, out: 0, source: false, marketSource: false },
        ],
      },
    ],
    store: () =>
      options.noStore
        ? undefined
        : { backlogRows: figures.backlog, commitP99Millis: figures.commitP99Millis },
    deadLetters: () => figures.deadLetters,
    eventLoopP99Nanos: () => figures.loopNanos,
  };
  const raised: RaisedAlert[] = [];
  const dedupe = new Deduplicator();
  const warnings: string[] = [];
  const rulesEngine = new MetricRules(
    rules,
    reader,
    (alert) => {
      if (
        options.dedupe &&
        dedupe.isDuplicate(`${alert.rule.name}:${alert.key}`, alert.alert.ts, 300_000_000)
      )
        return false;
      raised.push(alert);
      return true;
    },
    { nowMs: () => figures.nowMs, warn: (message) => warnings.push(message) },
  );
  return {
    pipeline,
    step,
    figures,
    warnings,
    tick: (seconds = 1) => {
      for (let i = 0; i < seconds; i++) {
        figures.nowMs += 1000;
        engineNow += 1_000_000;
        rulesEngine.evaluate();
      }
    },
    seen: () => raised.map((r) => `${r.alert.code} ${r.alert.severity} ${r.alert.message}`),
  };
}

describe('the p99 of a window of latency buckets', () => {
  it('interpolates within the bucket as histogram_quantile does, and is undefined without samples', () => {
    const counts = new Float64Array(21);
    expect(bucketQuantile(counts, 0.99)).toBeUndefined();
    // 99 samples in (1 µs, 2 µs], one in (1 ms, 2 ms]: the 99th is the last of the first bucket.
    counts[2] = 99;
    counts[11] = 1;
    expect(bucketQuantile(counts, 0.99)).toBe(2_000);
    // 98 fast, 2 slow: rank 99 is half-way into the slow bucket (1 ms … 2 ms).
    counts[2] = 98;
    counts[11] = 2;
    expect(bucketQuantile(counts, 0.99)).toBe(1_500_000);
    // Above the highest bound: that bound.
    counts[20] = 1_000;
    expect(bucketQuantile(counts, 0.99)).toBe(LATENCY_BUCKET_BOUNDS_NANOS.at(-1));
  });

  it('counts only what the counters gained within the window', () => {
    const window = new CounterWindow(3_000, 2);
    expect([...window.update(0, [5, 0])]).toEqual([0, 0]);
    expect([...window.update(1_000, [7, 1])]).toEqual([2, 1]);
    expect([...window.update(3_000, [9, 1])]).toEqual([4, 1]);
    // At 4 s the base is the copy of 1 s: what came in (1 s, 4 s].
    expect([...window.update(4_000, [10, 4])]).toEqual([3, 3]);
  });
});

describe('slo rules', () => {
  it('raise once when a step’s p99 stays above the threshold for `for`, and clear once when it is back', () => {
    const { step, tick, seen } = engineFigures([
      {
        name: 'slow',
        on: 'slo',
        metric: 'step-p99',
        pipeline: 'es',
        step: 'signal',
        above: '1ms',
        for: '3s',
        window: '5s',
      },
    ]);
    tick();
    const slow = () => {
      for (let i = 0; i < 50; i++) step.record(5_000_000);
    };
    slow();
    tick(2); // above for 1 s, 2 s: not yet
    expect(seen()).toEqual([]);
    slow();
    tick(); // 3 s: the breach
    slow();
    tick(5); // still above: nothing new
    // 100 samples of 5 ms, all in the (2 ms, 5 ms] bucket: rank 99 reads 2 + 3 × 99/100 = 4.97 ms.
    expect(seen()).toEqual([
      'ALERT_SLO_BREACH warning es.signal: p99 step latency 4.97 ms over the last 5s is above 1.00 ms for 3s',
    ]);
    // Fast again: once the slow samples are out of the 5 s window, cleared (one notice).
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 200; j++) step.record(100_000);
      tick();
    }
    expect(seen().slice(1)).toEqual([
      'ALERT_SLO_CLEARED info es.signal: cleared, p99 step latency back to 100 µs (threshold 1.00 ms)',
    ]);
  });

  it('a short spike shorter than `for` raises nothing', () => {
    const { pipeline, tick, seen } = engineFigures([
      { name: 'p', on: 'slo', metric: 'pipeline-p99', above: '500us', for: '10s', window: '2s' },
    ]);
    tick();
    for (let i = 0; i < 10; i++) pipeline.record(2_000_000);
    tick(12);
    expect(seen()).toEqual([]);
  });

  it('store backlog, store commit p99, dead letters per minute and event-loop delay, each against its threshold', () => {
    const { figures, tick, seen } = engineFigures([
      { name: 'backlog', on: 'slo', metric: 'store-backlog', above: 10_000, for: '2s', severity: 'critical' },
      { name: 'commit', on: 'slo', metric: 'store-commit-p99', above: '250ms', for: '0s' },
      { name: 'dead', on: 'slo', metric: 'dead-letters', above: 5, for: '0s' },
      { name: 'loop', on: 'slo', metric: 'event-loop-p99', above: '100ms', for: '1s' },
    ]);
    figures.backlog = 50_000;
    figures.commitP99Millis = 400;
    figures.deadLetters = 3;
    tick();
    figures.deadLetters = 20; // 20 within the minute
    figures.loopNanos = 150e6;
    tick(2);
    expect(seen()).toEqual([
      'ALERT_SLO_BREACH warning store: store commit p99 400.00 ms is above 250.00 ms for 0s',
      'ALERT_SLO_BREACH warning dead letters: dead letters per minute 17 is above 5 for 0s',
      'ALERT_SLO_BREACH critical store: store backlog 50000 is above 10000 for 2s',
      'ALERT_SLO_BREACH warning event loop: event-loop delay p99 150.00 ms is above 100.00 ms for 1s',
    ]);
    // A minute without new dead letters: the count of the last minute falls to 0.
    figures.backlog = 0;
    tick(61);
    expect(seen().slice(4)).toEqual([
      'ALERT_SLO_CLEARED info store: cleared, store backlog back to 0 (threshold 10000)',
      'ALERT_SLO_CLEARED info dead letters: cleared, dead letters per minute back to 0 (threshold 5)',
    ]);
  });

  it('a breach dropped as a duplicate is not followed by a cleared notice', () => {
    const { figures, tick, seen } = engineFigures(
      [{ name: 'backlog', on: 'slo', metric: 'store-backlog', above: 100, for: '0s' }],
      { dedupe: true },
    );
    figures.backlog = 500;
    tick();
    figures.backlog = 0;
    tick();
    figures.backlog = 500; // again within the 5 minutes: a duplicate
    tick();
    figures.backlog = 0;
    tick();
    expect(seen()).toEqual([
      'ALERT_SLO_BREACH warning store: store backlog 500 is above 100 for 0s',
      'ALERT_SLO_CLEARED info store: cleared, store backlog back to 0 (threshold 100)',
    ]);
  });

  it('warns once when a rule names a pipeline or step that is not running, or the store of an engine without one', () => {
    const { tick, warnings } = engineFigures([
      { name: 'typo', on: 'slo', metric: 'step-p99', pipeline: 'es', step: 'sginal', above: '1ms' },
    ]);
    tick(3);
    expect(warnings).toEqual([
      "alert rule 'typo' (slo) watches nothing: no running pipeline 'es', step 'sginal'",
    ]);
    const withoutStore = engineFigures([{ name: 'backlog', on: 'slo', metric: 'store-backlog', above: 10 }], {
      noStore: true,
    });
    withoutStore.tick(2);
    expect(withoutStore.warnings).toEqual([
      "alert rule 'backlog' (slo) watches nothing: the engine keeps no history (no store)",
    ]);
  });
});

describe('engine-silent rules', () => {
  it('raise when a market source emits nothing for `for`, and clear when data flows again', () => {
    const { figures, tick, seen } = engineFigures([{ name: 'quiet', on: 'engine-silent', for: '5s' }]);
    figures.marketOut = 10;
    tick();
    figures.marketOut = 20;
    tick(5);
    expect(seen()).toEqual([]);
    tick();
    expect(seen()).toEqual(['ALERT_ENGINE_SILENT warning es.market: no market data for 5s']);
    tick(10);
    figures.marketOut = 21; // silent from 2 s to 18 s
    tick();
    // The `fills` source is not market data: silent fills never alert unless a rule names the step.
    expect(seen().slice(1)).toEqual([
      'ALERT_ENGINE_SILENT_CLEARED info es.market: cleared, data again after 16s without',
    ]);
  });

  it('count silence only while the session is open', () => {
    // Open 09:00:10 to 09:30 Chicago on weekdays; the clock starts at 09:00:00 (closed).
    const { figures, tick, seen } = engineFigures([
      {
        name: 'rth',
        on: 'engine-silent',
        pipeline: 'es',
        step: 'fills',
        for: '5s',
        session: { timeZone: 'America/Chicago', open: '09:01', close: '09:30', openDays: [1, 2, 3, 4, 5] },
      },
    ]);
    figures.marketOut = 1;
    tick(59); // 09:00:59, closed: silence is not counted
    expect(seen()).toEqual([]);
    tick(5); // 09:01:04: open for 4 s
    expect(seen()).toEqual([]);
    tick(1);
    expect(seen()).toEqual([
      'ALERT_ENGINE_SILENT warning es.fills: no market data for 5s during the trading session',
    ]);
  });
});
