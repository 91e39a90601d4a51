import { EMPTY, Observable, share, Subject, Subscription } from 'rxjs';
import { TOPICS } from '../bus/topics.js';
import type { MessageBus } from '../bus/bus.js';
import { ReplayClock, type Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/error-codes.js';
import { describeError, EngineError, OperatorError } from '../core/errors.js';
import type { Bar, DeadLetter, Features, Tick } from '../core/events.js';
import type { CompiledPipeline, CompiledStep } from './compile.js';
import { groupFeatureSteps, type FeatureGroup } from './fuse.js';
import {
  FeatureWarmUp,
  isTimed,
  LatencyHistogram,
  StepMetrics,
  type FeatureWarmUpSnapshot,
  type StepMetricsSnapshot,
} from './metrics.js';
import type { Emit, FeatureEngine, InputInfo, RunContext, Sink, Step } from './operator.js';

export interface RunOptions {
  readonly clock: Clock;
  readonly bus: MessageBus;
  /** `live` paces sources by the clock; `replay` runs them as fast as they go. */
  readonly mode: 'live' | 'replay';
  readonly dataDir: string;
  /** Computes feature steps; required when the pipeline has any. */
  readonly featureEngine?: FeatureEngine;
  /** Receives progress from sources that know their length (files). */
  readonly progress?: (done: number, total: number) => void;
  /** The engine's DuckDB store, for the `store` sink and the `duckdbReplay` source. */
  readonly store?: RunContext['store'];
  /** The accounts sizing steps route signals to. */
  readonly accounts?: RunContext['accounts'];
}

/** The run's live counters and histograms, read (never kept) at scrape time by `/metrics`. */
export interface PipelineLiveMetrics {
  readonly sourceMessages: number;
  readonly deadLetters: number;
  /** Source to the whole graph having handled the message (timed sample). */
  readonly latency: LatencyHistogram;
  /** Each step's counters and latency; `step` is `pipeline.step`. */
  readonly steps: readonly StepMetrics[];
}

export interface PipelineMetricsSnapshot {
  readonly pipeline: string;
  /** Messages emitted by the sources so far. */
  readonly sourceMessages: number;
  /** Time from a source emitting a message to the whole graph having handled it (timed sample). */
  readonly latencyP50Nanos: number;
  readonly latencyP99Nanos: number;
  readonly errors: number;
  readonly deadLetters: number;
  readonly steps: readonly StepMetricsSnapshot[];
  /** Each feature step and whether it is warm yet (a feature emits nothing until it is). */
  readonly features: readonly FeatureWarmUpSnapshot[];
}

interface GraphNode {
  readonly id: string;
  readonly step: CompiledStep | undefined;
  readonly metrics: StepMetrics;
  /** How many distinct steps read this node; more than one means a shared (multicast) output. */
  readonly consumers: number;
  output$: Observable<unknown>;
  /** Sources only: the hot subject the source is piped into when the run starts. */
  subject?: Subject<unknown>;
  /** Position in topological order: end-of-turn work runs upstream first. */
  readonly order: number;
  /** What this node emits, as the steps reading it see it. */
  readonly emits: Omit<InputInfo, 'stepId'>;
}

/** A step with end-of-turn work waiting for the current source message to finish. */
interface TurnWork {
  readonly order: number;
  readonly flush: () => void;
}

/**
 * A compiled pipeline instantiated as an RxJS graph. Each step is an Observable over its inputs;
 * a step read by several others is shared (one upstream subscription, multicast by `share()`).
 * Sources are hot subjects that start only when `start()` is called, after every step is wired.
 * A step that throws on a message sends the message to the dead-letter stream and keeps running.
 */
export class PipelineRun {
  readonly id: string;
  /** Every message a step could not process, with its reason. */
  readonly deadLetters$: Observable<DeadLetter>;
  /** Resolves when every source has ended and every sink has flushed. */
  readonly done: Promise<PipelineMetricsSnapshot>;

  private readonly nodes: GraphNode[] = [];
  private readonly nodeOfStep = new Map<string, GraphNode>();
  private readonly sources: { node: GraphNode; source$: Observable<unknown> }[] = [];
  private readonly sourceSubscriptions: Subscription[] = [];
  private readonly sinkClosures: Promise<void>[] = [];
  private readonly deadLetterSubject = new Subject<DeadLetter>();
  private readonly publishDeadLetter: (letter: DeadLetter) => void;
  private readonly latency = new LatencyHistogram();
  private readonly replayClock: ReplayClock | undefined;
  private sourceMessages = 0;
  private deadLetterCount = 0;
  private openSources = 0;
  private failure: EngineError | undefined;
  private started = false;
  private resolveSourcesEnded: () => void = () => undefined;
  private readonly turnWork: TurnWork[] = [];
  private readonly warmUps: FeatureWarmUp[] = [];

  constructor(
    private readonly pipeline: CompiledPipeline,
    private readonly options: RunOptions,
  ) {
    this.id = pipeline.id;
    this.deadLetters$ = this.deadLetterSubject.asObservable();
    this.publishDeadLetter = options.bus.publisher(TOPICS.deadLetters);
    this.replayClock = options.clock instanceof ReplayClock ? options.clock : undefined;
    const sourcesEnded = new Promise<void>((resolve) => (this.resolveSourcesEnded = resolve));
    this.build();
    this.done = sourcesEnded.then(async () => {
      await Promise.all(this.sinkClosures);
      if (this.failure) throw this.failure;
      return this.metrics();
    });
  }

  /** Starts the sources; messages flow from now on. */
  start(): void {
    if (this.started) return;
    this.markStarted();
    for (const { node, source$ } of this.sources)
      this.sourceSubscriptions.push(this.startSource(node, source$));
  }

  /** Ends every source; what is in flight drains through the graph and the sinks flush. */
  stop(): void {
    if (!this.started) this.markStarted();
    for (const subscription of this.sourceSubscriptions) subscription.unsubscribe();
    for (const { node } of this.sources) this.endSource(node);
  }

  metrics(): PipelineMetricsSnapshot {
    const steps = this.nodes.map((node) => node.metrics.snapshot());
    return {
      pipeline: this.id,
      sourceMessages: this.sourceMessages,
      latencyP50Nanos: this.latency.percentile(50),
      latencyP99Nanos: this.latency.percentile(99),
      errors: steps.reduce((sum, step) => sum + step.errors, 0),
      deadLetters: this.deadLetterCount,
      steps,
      features: this.warmUps.flatMap((warmUp) => warmUp.snapshot()),
    };
  }

  /** The live counters and histograms, without the cost of a snapshot's percentiles. */
  liveMetrics(): PipelineLiveMetrics {
    return {
      sourceMessages: this.sourceMessages,
      deadLetters: this.deadLetterCount,
      latency: this.latency,
      steps: this.nodes.map((node) => node.metrics),
    };
  }

  /** Frees the WebAssembly memory of the histograms once the run is over and read. */
  dispose(): void {
    this.latency.destroy();
    for (const node of this.nodes) node.metrics.latency.destroy();
  }

  private markStarted(): void {
    this.started = true;
    this.openSources = this.sources.length;
    if (this.openSources === 0) this.resolveSourcesEnded();
  }

  private build(): void {
    const groups = groupFeatureSteps(this.pipeline.steps);
    const groupOf = new Map<string, FeatureGroup>();
    for (const group of groups) for (const member of group.members) groupOf.set(member.id, group);
    if (groups.length > 0 && !this.options.featureEngine) {
      throw new EngineError(
        'PIPELINE_NO_FEATURE_ENGINE',
        `pipeline '${this.id}' has feature steps but no feature engine`,
      );
    }
    const nodeIdOf = (stepId: string): string => groupOf.get(stepId)?.id ?? stepId;
    const consumers = new Map<string, number>();
    for (const step of this.pipeline.steps) {
      if (groupOf.has(step.id) && groupOf.get(step.id)?.members[0] !== step) continue;
      for (const input of new Set(step.inputs.map(nodeIdOf)))
        consumers.set(input, (consumers.get(input) ?? 0) + 1);
    }
    for (const step of this.pipeline.steps) {
      const group = groupOf.get(step.id);
      if (group) {
        if (!this.nodeOfStep.has(step.id)) this.buildFeatureGroup(group, consumers.get(group.id) ?? 0);
        continue;
      }
      const node = this.addNode(step.id, step, consumers.get(step.id) ?? 0);
      const context = this.runContext(step);
      const inputs = this.inputNodes(step);
      const operator = step.operator;
      switch (operator.kind) {
        case 'source': {
          const subject = new Subject<unknown>();
          node.subject = subject;
          node.output$ = subject;
          this.sources.push({ node, source$: operator.create(step.params as never, context) });
          break;
        }
        case 'transform': {
          const create = (): Step => operator.create(step.params as never, context);
          this.wireStep(node, inputs, create, operator.keyedBySymbol === true);
          break;
        }
        case 'sink':
          this.wireSink(node, inputs, operator.create(step.params as never, context));
          break;
        case 'feature':
          break;
      }
    }
    // Steps nobody reads still run: subscribe them so their inputs flow.
    for (const node of this.nodes) {
      if (node.consumers === 0 && node.step?.operator.kind !== 'sink') node.output$.subscribe();
    }
  }

  private addNode(id: string, step: CompiledStep | FeatureGroup, consumers: number): GraphNode {
    const emits: Omit<InputInfo, 'stepId'> =
      'members' in step
        ? {
            type: 'features',
            numericFields: step.specs.flatMap((spec) => spec.outputs),
            textFields: ['symbol'],
          }
        : {
            type: step.outputType ?? 'features',
            numericFields: step.numericFields,
            textFields: step.textFields,
          };
    const node: GraphNode = {
      id,
      step: 'members' in step ? undefined : step,
      consumers,
      emits,
      metrics: new StepMetrics(`${this.id}.${id}`),
      output$: EMPTY,
      order: this.nodes.length,
    };
    this.nodes.push(node);
    this.nodeOfStep.set(id, node);
    return node;
  }

  /** The distinct nodes a step reads (several members of one feature group count once). */
  private inputNodes(step: CompiledStep): GraphNode[] {
    const nodes = step.inputs.map((input) => this.nodeOfStep.get(input) as GraphNode);
    return [...new Set(nodes)];
  }

  private runContext(step: CompiledStep): RunContext {
    const inputs: InputInfo[] = this.inputNodes(step).map((node) => ({ stepId: node.id, ...node.emits }));
    return {
      pipelineId: this.id,
      stepId: step.id,
      baseDir: this.pipeline.baseDir,
      inputs,
      functions: this.pipeline.functions,
      clock: this.options.clock,
      bus: this.options.bus,
      mode: this.options.mode,
      dataDir: this.options.dataDir,
      ...(this.options.progress && { progress: this.options.progress }),
      ...(this.options.store && { store: this.options.store }),
      ...(this.options.accounts && { accounts: this.options.accounts }),
      deadLetter: (letter) =>
        this.deadLetter(
          this.nodeOfStep.get(step.id),
          letter.code as ErrorCode,
          letter.reason,
          letter.message,
        ),
    };
  }

  private buildFeatureGroup(group: FeatureGroup, consumers: number): void {
    const engine = this.options.featureEngine as FeatureEngine;
    const node = this.addNode(group.id, group, consumers);
    for (const member of group.members) this.nodeOfStep.set(member.id, node);
    const input = this.nodeOfStep.get(group.input) as GraphNode;
    const kernel = engine.fuse(group.specs);
    const values = new Float64Array(kernel.width);
    const record = recordBuilder(group.specs.flatMap((spec) => spec.outputs));
    const slots = new Map<string, number>();
    const slotOf = (symbol: string): number => {
      let slot = slots.get(symbol);
      if (slot === undefined) {
        slot = kernel.addInstrument();
        slots.set(symbol, slot);
      }
      return slot;
    };
    const onBars = group.specs[0]?.input === 'bar';
    let offset = 0;
    const offsets = group.specs.map((spec) => {
      const at = offset;
      offset += spec.outputs.length;
      return at;
    });
    const warmUp = new FeatureWarmUp(
      group.members.map((member) => member.id),
      offsets,
      onBars ? 'bar' : 'tick',
    );
    this.warmUps.push(warmUp);
    const step: Step<Bar | Tick, Features> = {
      next: onBars
        ? (bar, emit) => {
            const b = bar as Bar;
            const slot = slotOf(b.symbol);
            const ready = kernel.updateBar(slot, b, values);
            if (warmUp.warming) warmUp.observe(slot, values, ready);
            if (ready) emit({ symbol: b.symbol, ts: b.end, values: record(values) });
          }
        : (tick, emit) => {
            const t = tick as Tick;
            const slot = slotOf(t.symbol);
            const ready = kernel.updateTick(slot, t, values);
            if (warmUp.warming) warmUp.observe(slot, values, ready);
            if (ready) emit({ symbol: t.symbol, ts: t.ts, values: record(values) });
          },
    };
    this.wireStep(node, [input], () => step as Step, false);
  }

  /**
   * Makes a transform node's output: an Observable that, per subscription, reads the inputs,
   * counts and samples each message, runs the step and isolates its failures.
   */
  private wireStep(node: GraphNode, inputs: readonly GraphNode[], create: () => Step, keyed: boolean): void {
    const { metrics } = node;
    const output$ = new Observable<unknown>((subscriber) => {
      let timing = false;
      let downstreamMillis = 0;
      const emit: Emit<unknown> = (message) => {
        metrics.out++;
        if (!timing) {
          subscriber.next(message);
          return;
        }
        const start = performance.now();
        subscriber.next(message);
        downstreamMillis += performance.now() - start;
      };
      const single = keyed ? undefined : create();
      const perSymbol = new Map<string, Step>();
      const stepFor = (message: unknown): Step => {
        const symbol = (message as { symbol: string }).symbol;
        let step = perSymbol.get(symbol);
        if (step === undefined) {
          step = create();
          perSymbol.set(symbol, step);
        }
        return step;
      };
      // Steps with end-of-turn work are flushed once the current source message has been through.
      const touched = new Set<Step>();
      const work: TurnWork = {
        order: node.order,
        flush: () => {
          for (const step of touched) {
            try {
              step.endOfTurn?.(emit);
            } catch (error) {
              metrics.errors++;
              this.deadLetter(
                node,
                'STEP_FAILED',
                `at the end of a turn: ${describeError(error)}`,
                undefined,
              );
            }
          }
          touched.clear();
        },
      };
      const run = (message: unknown, index: number): void => {
        const step = single ?? stepFor(message);
        step.next(message, emit, index);
        if (step.endOfTurn !== undefined) {
          if (touched.size === 0) this.turnWork.push(work);
          touched.add(step);
        }
      };
      const handle = (message: unknown, index = 0): void => {
        const count = ++metrics.in;
        if (!isTimed(count)) {
          try {
            run(message, index);
          } catch (error) {
            metrics.errors++;
            this.deadLetter(node, 'STEP_FAILED', describeError(error), message);
          }
          return;
        }
        timing = true;
        downstreamMillis = 0;
        const start = performance.now();
        try {
          run(message, index);
        } catch (error) {
          metrics.errors++;
          this.deadLetter(node, 'STEP_FAILED', describeError(error), message);
        }
        metrics.latency.record((performance.now() - start - downstreamMillis) * 1e6);
        timing = false;
      };
      const complete = (): void => {
        work.flush();
        for (const step of single ? [single] : perSymbol.values()) {
          try {
            step.complete?.(emit);
          } catch (error) {
            metrics.errors++;
            this.deadLetter(node, 'STEP_FAILED', `while ending: ${describeError(error)}`, undefined);
          }
        }
        subscriber.complete();
      };
      return subscribeInputs(inputs, handle, complete);
    });
    node.output$ = node.consumers > 1 ? output$.pipe(share()) : output$;
  }

  private wireSink(node: GraphNode, inputs: readonly GraphNode[], sink: Sink): void {
    const { metrics } = node;
    const handle = (message: unknown): void => {
      const count = ++metrics.in;
      const start = isTimed(count) ? performance.now() : -1;
      try {
        sink.write(message);
        metrics.out++;
      } catch (error) {
        metrics.errors++;
        this.deadLetter(node, 'SINK_FAILED', describeError(error), message);
      }
      if (start >= 0) metrics.latency.record((performance.now() - start) * 1e6);
    };
    let closed: () => void = () => undefined;
    this.sinkClosures.push(new Promise<void>((resolve) => (closed = resolve)));
    const complete = (): void => {
      sink.close().then(closed, (error: unknown) => {
        this.fail(
          new OperatorError(
            'SINK_FAILED',
            node.id,
            `sink '${node.id}' failed to close: ${describeError(error)}`,
            { cause: error },
          ),
        );
        closed();
      });
    };
    subscribeInputs(inputs, handle, complete);
  }

  private startSource(node: GraphNode, source$: Observable<unknown>): Subscription {
    const { metrics } = node;
    const subject = node.subject as Subject<unknown>;
    const clock = this.replayClock;
    return source$.subscribe({
      next: (message) => {
        const count = ++metrics.in;
        this.sourceMessages++;
        metrics.out++;
        if (clock) clock.advanceTo((message as { ts: number }).ts);
        if (!isTimed(count)) {
          subject.next(message);
          if (this.turnWork.length !== 0) this.endTurn();
          return;
        }
        const start = performance.now();
        subject.next(message);
        if (this.turnWork.length !== 0) this.endTurn();
        this.latency.record((performance.now() - start) * 1e6);
      },
      error: (error: unknown) => {
        metrics.errors++;
        this.fail(
          new OperatorError('SOURCE_FAILED', node.id, `source '${node.id}' failed: ${describeError(error)}`, {
            cause: error,
          }),
        );
        this.endSource(node);
      },
      complete: () => this.endSource(node),
    });
  }

  private endSource(node: GraphNode): void {
    const subject = node.subject;
    if (!subject || subject.closed || subject.isStopped) return;
    subject.complete();
    this.endTurn();
    if (--this.openSources === 0) this.resolveSourcesEnded();
  }

  /** Runs pending end-of-turn work, upstream steps first; their output may add more downstream. */
  private endTurn(): void {
    const pending = this.turnWork;
    while (pending.length > 0) {
      let first = 0;
      for (let i = 1; i < pending.length; i++)
        if ((pending[i]?.order ?? 0) < (pending[first]?.order ?? 0)) first = i;
      const [work] = pending.splice(first, 1);
      work?.flush();
    }
  }

  private fail(error: EngineError): void {
    this.failure ??= error;
  }

  private deadLetter(node: GraphNode | undefined, code: ErrorCode, reason: string, message: unknown): void {
    if (node) node.metrics.deadLettered++;
    this.deadLetterCount++;
    const letter: DeadLetter = {
      ts: this.options.clock.now(),
      origin: node ? node.metrics.step : this.id,
      code,
      reason,
      message,
    };
    this.deadLetterSubject.next(letter);
    this.publishDeadLetter(letter);
  }
}

/** Subscribes to every input, tagging messages with the input's index; completes when all have. */
function subscribeInputs(
  inputs: readonly GraphNode[],
  handle: (message: unknown, index?: number) => void,
  complete: () => void,
): Subscription {
  const subscription = new Subscription();
  let open = inputs.length;
  inputs.forEach((input, index) => {
    subscription.add(
      input.output$.subscribe({
        next: inputs.length === 1 ? handle : (message) => handle(message, index),
        complete: () => {
          if (--open === 0) complete();
        },
      }),
    );
  });
  return subscription;
}

/** Builds `{ key: values[i], ... }` with a fixed shape, compiled once per feature group. */
function recordBuilder(keys: readonly string[]): (values: Float64Array) => Record<string, number> {
  const body = keys.map((key, index) => `${JSON.stringify(key)}: v[${index}]`).join(', ');
  return new Function('v', `return { ${body} };`) as (values: Float64Array) => Record<string, number>;
}

/** Instantiates a compiled pipeline as an RxJS graph; call `start()` on it to let data flow. */
export function instantiatePipeline(pipeline: CompiledPipeline, options: RunOptions): PipelineRun {
  return new PipelineRun(pipeline, options);
}
