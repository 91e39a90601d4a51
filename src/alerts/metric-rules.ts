import { performance } from 'node:perf_hooks';
import { describeError } from '../core/errors.js';
import type { Alert, AlertSeverity } from '../core/events.js';
import { SessionCalendar } from '../core/session-calendar.js';
import { parseDuration } from '../core/time.js';
import type { AlertRuleConfig } from './alerts-config.js';
import type { SloMetric } from './alerts-config-schema.js';
import type { RaisedAlert } from './alert-rules.js';
import { bucketQuantile, CounterWindow } from './counter-window.js';
import type { MetricsReader, ReadablePipeline } from './metrics-reader.js';

export const EVALUATE_EVERY_MS = 1_000;
const DEFAULT_FOR = '30s';
const DEFAULT_WINDOW = '30s';
const DEAD_LETTER_WINDOW_MS = 60_000;
const LATENCY_BUCKETS = 21;

export interface MetricRulesOptions {
  /** A monotonic clock in milliseconds, for how long a figure has been above its threshold (default performance.now). */
  readonly nowMs?: () => number;
  /** Told once per rule whose pipeline or step matches nothing running, and of a failed evaluation (the engine logs it). */
  readonly warn?: (message: string) => void;
}

/** One thing a rule watches (a pipeline, a step, the store…), with its breach state. */
interface Watch {
  /** `pipeline`, `pipeline.step`, `store`, `event loop`… */
  readonly subject: string;
  /** Latency and dead-letter windows; undefined for instant figures. */
  readonly window: CounterWindow | undefined;
  /** Since when (wall ms) the figure is above the threshold, or the source silent. */
  since: number | undefined;
  /** The breach was raised and passed de-duplication: its recovery is told too. */
  breached: 'no' | 'told' | 'quiet';
  breaches: number;
  /** engine-silent: the source's count at the last evaluation (-1 before the first). */
  lastCount: number;
}

const formatNanos = (nanos: number): string =>
  nanos >= 1e9
    ? `${(nanos / 1e9).toFixed(2)} s`
    : nanos >= 1e6
      ? `${(nanos / 1e6).toFixed(2)} ms`
      : `${(nanos / 1e3).toFixed(0)} µs`;

const formatSeconds = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  return seconds >= 120
    ? `${String(Math.floor(seconds / 60))}m ${String(seconds % 60)}s`
    : `${String(seconds)}s`;
};

const METRIC_WORDS: Record<SloMetric, string> = {
  'pipeline-p99': 'p99 latency',
  'step-p99': 'p99 step latency',
  'store-backlog': 'store backlog',
  'store-commit-p99': 'store commit p99',
  'dead-letters': 'dead letters per minute',
  'event-loop-p99': 'event-loop delay p99',
};

/**
 * The rules on the engine's figures, `slo` and `engine-silent`, evaluated on a timer once a
 * second (never on the hot path): each reads its figure from the MetricsReader, and a figure
 * above its threshold for the rule's `for` (a source silent for `for`, within its session) is a
 * breach, raised once; when the figure comes back (data flows again) one "cleared" notice
 * follows, if the breach itself was sent (not de-duplicated away).
 */
export class MetricRules {
  private readonly watches = new Map<AlertRuleConfig, Map<string, Watch>>();
  private readonly calendars = new Map<AlertRuleConfig, SessionCalendar>();
  private readonly warned = new Set<AlertRuleConfig>();
  private readonly nowMs: () => number;
  private timer: NodeJS.Timeout | undefined;
  private loopP99: number | undefined;

  constructor(
    private readonly rules: readonly AlertRuleConfig[],
    private readonly reader: MetricsReader,
    /** Hands a raised alert on; true when it passed de-duplication (was sent). */
    private readonly raise: (raised: RaisedAlert) => boolean,
    private readonly options: MetricRulesOptions = {},
  ) {
    this.nowMs = options.nowMs ?? (() => performance.now());
    for (const rule of rules) {
      this.watches.set(rule, new Map());
      if (rule.session)
        this.calendars.set(rule, new SessionCalendar({ ...rule.session, forcedFlat: rule.session.close }));
    }
  }

  /** True when some rule is of a kind this class evaluates. */
  static covers(rule: AlertRuleConfig): boolean {
    return rule.on === 'slo' || rule.on === 'engine-silent';
  }

  start(): void {
    if (this.timer || this.rules.length === 0) return;
    this.timer = setInterval(() => {
      // A rule that cannot be judged this second must never stop the engine: say so and go on.
      try {
        this.evaluate();
      } catch (error) {
        this.options.warn?.(
          `alert rules on the engine's figures failed this second: ${describeError(error)}`,
        );
      }
    }, EVALUATE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One evaluation of every rule (the timer's; tests call it too). */
  evaluate(): void {
    const nowMs = this.nowMs();
    this.loopP99 = undefined;
    const pipelines = this.reader.pipelines();
    for (const rule of this.rules) {
      if (rule.on === 'engine-silent') this.evaluateSilent(rule, pipelines, nowMs);
      else if (rule.on === 'slo') this.evaluateSlo(rule, pipelines, nowMs);
    }
  }

  private evaluateSlo(rule: AlertRuleConfig, pipelines: readonly ReadablePipeline[], nowMs: number): void {
    const metric = rule.metric;
    if (metric === undefined || rule.above === undefined) return;
    const threshold = typeof rule.above === 'string' ? parseDuration(rule.above) * 1000 : rule.above; // µs → ns
    const windowMs = parseDuration(rule.window ?? DEFAULT_WINDOW) / 1000;
    const judge = (
      subject: string,
      figure: (watch: Watch) => number | undefined,
      windowed: boolean,
    ): void => {
      const watch = this.watch(rule, subject, windowed ? windowMs : undefined);
      this.judge(rule, watch, figure(watch), threshold, nowMs);
    };
    switch (metric) {
      case 'pipeline-p99':
      case 'step-p99': {
        let matched = false;
        for (const pipeline of pipelines) {
          if (rule.pipeline !== undefined && pipeline.id !== rule.pipeline) continue;
          if (metric === 'pipeline-p99') {
            matched = true;
            judge(
              pipeline.id,
              (watch) => bucketQuantile(this.windowed(watch, nowMs, pipeline.latency), 0.99),
              true,
            );
            continue;
          }
          for (const step of pipeline.steps) {
            if (rule.step !== undefined && step.id !== rule.step) continue;
            matched = true;
            judge(
              `${pipeline.id}.${step.id}`,
              (watch) => bucketQuantile(this.windowed(watch, nowMs, step.latency), 0.99),
              true,
            );
          }
        }
        if (!matched && pipelines.length > 0) this.warnOnce(rule);
        return;
      }
      case 'store-backlog':
      case 'store-commit-p99': {
        const store = this.reader.store();
        if (!store) {
          this.warnOnce(rule, 'the engine keeps no history (no store)');
          return;
        }
        const figure = metric === 'store-backlog' ? store.backlogRows : store.commitP99Millis * 1e6;
        judge('store', () => figure, false);
        return;
      }
      case 'dead-letters': {
        const watch = this.watch(rule, 'dead letters', DEAD_LETTER_WINDOW_MS);
        const count = this.windowed(watch, nowMs, [this.reader.deadLetters()])[0];
        this.judge(rule, watch, count, threshold, nowMs);
        return;
      }
      case 'event-loop-p99':
        judge('event loop', () => (this.loopP99 ??= this.reader.eventLoopP99Nanos()), false);
        return;
    }
  }

  private evaluateSilent(rule: AlertRuleConfig, pipelines: readonly ReadablePipeline[], nowMs: number): void {
    const forMs = parseDuration(rule.for ?? DEFAULT_FOR) / 1000;
    const calendar = this.calendars.get(rule);
    const open = calendar === undefined || calendar.at(this.reader.now()).phase === 'open';
    let matched = false;
    for (const pipeline of pipelines) {
      if (rule.pipeline !== undefined && pipeline.id !== rule.pipeline) continue;
      for (const step of pipeline.steps) {
        if (rule.step === undefined ? !step.marketSource : step.id !== rule.step || !step.source) continue;
        matched = true;
        const watch = this.watch(rule, `${pipeline.id}.${step.id}`, undefined);
        const first = watch.lastCount < 0;
        const moved = !first && step.out !== watch.lastCount;
        watch.lastCount = step.out;
        if (moved && watch.breached !== 'no')
          this.recover(
            rule,
            watch,
            `data again after ${formatSeconds(nowMs - (watch.since ?? nowMs))} without`,
          );
        // Silence counts from the last message, or from the first second the session is open.
        if (moved || first) {
          watch.since = open ? nowMs : undefined;
          continue;
        }
        if (!open) {
          if (watch.breached === 'no') watch.since = undefined;
          continue;
        }
        watch.since ??= nowMs;
        const silentMs = nowMs - watch.since;
        if (watch.breached === 'no' && silentMs >= forMs)
          this.breach(rule, watch, {
            code: 'ALERT_ENGINE_SILENT',
            message: `${watch.subject}: no market data for ${formatSeconds(silentMs)}${calendar ? ' during the trading session' : ''}`,
          });
      }
    }
    if (!matched && pipelines.length > 0) this.warnOnce(rule);
  }

  /** Breach after the figure has been above the threshold for the rule's `for`; clear when it is not. */
  private judge(
    rule: AlertRuleConfig,
    watch: Watch,
    figure: number | undefined,
    threshold: number,
    nowMs: number,
  ): void {
    const metric = rule.metric as SloMetric;
    const latency = typeof rule.above === 'string';
    const show = (value: number): string => (latency ? formatNanos(value) : value.toFixed(0));
    const over = figure !== undefined && figure > threshold;
    if (!over) {
      watch.since = undefined;
      if (watch.breached !== 'no')
        this.recover(
          rule,
          watch,
          figure === undefined
            ? `${METRIC_WORDS[metric]} back: nothing measured in the window`
            : `${METRIC_WORDS[metric]} back to ${show(figure)} (threshold ${show(threshold)})`,
        );
      return;
    }
    watch.since ??= nowMs;
    const forMs = parseDuration(rule.for ?? DEFAULT_FOR) / 1000;
    if (watch.breached !== 'no' || nowMs - watch.since < forMs) return;
    const windowText =
      watch.window && metric !== 'dead-letters' ? ` over the last ${rule.window ?? DEFAULT_WINDOW}` : '';
    this.breach(rule, watch, {
      code: 'ALERT_SLO_BREACH',
      message: `${watch.subject}: ${METRIC_WORDS[metric]} ${show(figure)}${windowText} is above ${show(threshold)} for ${formatSeconds(nowMs - watch.since)}`,
    });
  }

  private breach(rule: AlertRuleConfig, watch: Watch, what: { code: string; message: string }): void {
    watch.breaches++;
    const sent = this.raise({
      rule,
      alert: { ts: this.reader.now(), severity: rule.severity ?? 'warning', ...what },
      key: watch.subject,
    });
    watch.breached = sent ? 'told' : 'quiet';
  }

  private recover(rule: AlertRuleConfig, watch: Watch, message: string): void {
    const told = watch.breached === 'told';
    watch.breached = 'no';
    if (!told) return;
    const severity: AlertSeverity = 'info';
    const alert: Alert = {
      ts: this.reader.now(),
      severity,
      code: rule.on === 'engine-silent' ? 'ALERT_ENGINE_SILENT_CLEARED' : 'ALERT_SLO_CLEARED',
      message: `${watch.subject}: cleared, ${message}`,
    };
    // A key of its own per breach: a cleared notice is never taken for another's duplicate.
    this.raise({ rule, alert, key: `${watch.subject}:cleared:${String(watch.breaches)}` });
  }

  private watch(rule: AlertRuleConfig, subject: string, windowMs: number | undefined): Watch {
    const watches = this.watches.get(rule) as Map<string, Watch>;
    let watch = watches.get(subject);
    if (!watch) {
      const size = rule.metric === 'dead-letters' ? 1 : LATENCY_BUCKETS;
      watch = {
        subject,
        window: windowMs === undefined ? undefined : new CounterWindow(windowMs, size),
        since: undefined,
        breached: 'no',
        breaches: 0,
        lastCount: -1,
      };
      watches.set(subject, watch);
    }
    return watch;
  }

  private windowed(watch: Watch, nowMs: number, counts: ArrayLike<number>): Float64Array {
    return (watch.window as CounterWindow).update(nowMs, counts);
  }

  private warnOnce(rule: AlertRuleConfig, why?: string): void {
    if (this.warned.has(rule)) return;
    this.warned.add(rule);
    const what = [rule.pipeline && `pipeline '${rule.pipeline}'`, rule.step && `step '${rule.step}'`]
      .filter(Boolean)
      .join(', ');
    this.options.warn?.(
      `alert rule '${rule.name}' (${rule.on}) watches nothing: ${why ?? `no running ${what || 'pipeline matches'}`}`,
    );
  }
}
