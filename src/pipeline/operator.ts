import type { Static, TSchema } from '@sinclair/typebox';
import type { Observable } from 'rxjs';
import type { MessageBus } from '../bus/bus.js';
import type { Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/error-codes.js';
import type { Bar, DeadLetter, Tick } from '../core/events.js';
import type { Store } from '../store/store.js';
import type { DataType } from './data-types.js';

/** Passes one output message downstream. */
export type Emit<O> = (message: O) => void;

/**
 * A transform's per-message logic. The runtime calls `next` for every input message and catches
 * anything it throws (the message goes to the dead-letter stream; the step keeps running).
 */
export interface Step<I = unknown, O = unknown> {
  /** Handles one message; `input` is the index of the `from` step it came from. */
  next(message: I, emit: Emit<O>, input: number): void;
  /**
   * Called once the message a source emitted has been through the whole graph, if this step saw
   * any part of it. Steps that merge several inputs (join) emit here, once, instead of once per
   * input: a bar that updates three joined features gives one joined message, never a glitch
   * mixing the new bar with old features.
   */
  endOfTurn?(emit: Emit<O>): void;
  /** Called once when every input has ended: emit what is still held (an open bar, say). */
  complete?(emit: Emit<O>): void;
}

/** A terminal step that writes messages somewhere (console, file, bus, database). */
export interface Sink<I = unknown> {
  write(message: I): void;
  /** Flushes and releases resources; the pipeline is finished when every sink has closed. */
  close(): Promise<void>;
}

/** What a step knows about one of its inputs, at compile time. */
export interface InputInfo {
  readonly stepId: string;
  readonly type: DataType;
  /** Numeric fields an expression may name; undefined when unknown. */
  readonly numericFields: readonly string[] | undefined;
  readonly textFields: readonly string[];
}

/** What an operator sees when its params are checked and its outputs described. */
export interface CompileContext {
  readonly pipelineId: string;
  readonly stepId: string;
  /** The pipeline file's folder, to resolve relative paths in params. */
  readonly baseDir: string;
  readonly inputs: readonly InputInfo[];
  /** Functions exported by the pipeline's user modules, for `map`/`filter` by function. */
  readonly functions: ReadonlyMap<string, (message: unknown) => unknown>;
}

/** One problem an operator's own check found in its params. */
export interface CheckProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Sizing defaults of an account (enigma.yaml `sizing`), for sizing steps that set none of their own. */
export interface AccountSizing {
  /** Fractional Kelly multiplier (0.25 = quarter Kelly). */
  readonly kellyFraction?: number;
  /** Largest loss at the stop per trade, in dollars. */
  readonly riskBudget?: number;
}

/** An account the engine trades, as a sizing step sees it: which signals it takes and how it sizes. */
export interface PipelineAccount {
  readonly id: string;
  /** Ids of the pipelines whose signals it trades; undefined = every pipeline. */
  readonly pipelines?: readonly string[];
  readonly sizing?: AccountSizing;
}

/** What an operator gets when it is instantiated for a run. */
export interface RunContext extends CompileContext {
  readonly clock: Clock;
  /** The engine's message bus, for sources and sinks that connect a pipeline to engines. */
  readonly bus: MessageBus;
  /** `live` paces sources by the clock; `replay` runs as fast as it can. */
  readonly mode: 'live' | 'replay';
  /** Folder where sinks write files (`--data-dir`, default `./data`). */
  readonly dataDir: string;
  /** Sources that know their length (files) report how far they are, for progress bars. */
  readonly progress?: (done: number, total: number) => void;
  /** The shared DuckDB store, for the `store` sink and the `duckdbReplay` source (absent when the run has none). */
  readonly store?: Store;
  /** The accounts the engine trades (enigma.yaml), for sizing steps to route signals to; none when absent. */
  readonly accounts?: readonly PipelineAccount[];
  /** Keeps a message that could not be processed, with its reason. */
  readonly deadLetter: (letter: Omit<DeadLetter, 'ts' | 'origin'>) => void;
}

interface OperatorBase<S extends TSchema> {
  /** Registry key: the camelCase name used as `op:` in pipelines. */
  readonly name: string;
  /** One line for the catalogue. */
  readonly summary: string;
  /** JSON Schema (TypeBox) of the params; checked once at compile time, with defaults applied. */
  readonly params: S;
  /** Checks beyond the schema (expressions against the input's fields, paths). */
  readonly check?: (params: Static<S>, context: CompileContext) => readonly CheckProblem[];
}

export interface SourceOperator<S extends TSchema = TSchema> extends OperatorBase<S> {
  readonly kind: 'source';
  /** Output kind; a function when it depends on params (e.g. which stream to read). */
  readonly output: DataType | ((params: Static<S>) => DataType);
  create(params: Static<S>, context: RunContext): Observable<unknown>;
}

export interface TransformOperator<S extends TSchema = TSchema> extends OperatorBase<S> {
  readonly kind: 'transform';
  /** Message kinds accepted; `any` accepts all. */
  readonly inputs: readonly DataType[] | 'any';
  /** How many `from` steps it can read (default 1). */
  readonly maxInputs?: number;
  /** Output kind; a function when it depends on params or on the input kinds. */
  readonly output: DataType | ((params: Static<S>, inputTypes: readonly DataType[]) => DataType);
  /** Numeric fields of the output when it is `features`, for expression checks downstream. */
  readonly fields?: (params: Static<S>, context: CompileContext) => readonly string[];
  /** One state per instrument: the runtime creates a Step for each symbol it sees. */
  readonly keyedBySymbol?: boolean;
  create(params: Static<S>, context: RunContext): Step;
}

export interface SinkOperator<S extends TSchema = TSchema> extends OperatorBase<S> {
  readonly kind: 'sink';
  readonly inputs: readonly DataType[] | 'any';
  readonly maxInputs?: number;
  create(params: Static<S>, context: RunContext): Sink;
}

/** What a feature step asks the feature engine to compute. */
export interface FeatureSpec {
  /** Kernel name, e.g. `ema`, `rsi`, `bollinger`. */
  readonly kind: string;
  readonly input: 'bar' | 'tick';
  readonly params: Readonly<Record<string, number | string | boolean>>;
  /** Output keys in the order the kernel writes them, e.g. `['bb.upper', 'bb.middle', 'bb.lower']`. */
  readonly outputs: readonly string[];
}

/**
 * A feature (indicator) step. It has no per-message code of its own: the compiler groups every
 * feature step that reads the same input into one fused kernel call per message and instrument.
 */
export interface FeatureOperator<S extends TSchema = TSchema> extends OperatorBase<S> {
  readonly kind: 'feature';
  readonly input: 'bar' | 'tick';
  spec(params: Static<S>, stepId: string): FeatureSpec;
}

/** A compiled group of feature kernels with state for many instruments. */
export interface FusedFeatureKernel {
  /** Values written per update: the sum of every spec's outputs, in spec order. */
  readonly width: number;
  /** Allocates state for one more instrument and returns its slot. */
  addInstrument(): number;
  /** Updates every feature of the instrument in `slot`; true once all of them are warm. */
  updateBar(slot: number, bar: Bar, out: Float64Array): boolean;
  updateTick(slot: number, tick: Tick, out: Float64Array): boolean;
}

/** Computes features: the WebAssembly engine, or the TypeScript reference (`--no-wasm`). */
export interface FeatureEngine {
  readonly name: string;
  fuse(specs: readonly FeatureSpec[]): FusedFeatureKernel;
}

/**
 * Any operator, with its params type erased: the registry holds operators of many param types,
 * and each one's params are validated against its own schema before `create` sees them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErasedSchema = any;
export type OperatorDefinition =
  | SourceOperator<ErasedSchema>
  | TransformOperator<ErasedSchema>
  | SinkOperator<ErasedSchema>
  | FeatureOperator<ErasedSchema>;

/** Declares an operator with its params type inferred from the schema. */
export function defineOperator<S extends TSchema>(definition: SourceOperator<S>): SourceOperator<S>;
export function defineOperator<S extends TSchema>(definition: TransformOperator<S>): TransformOperator<S>;
export function defineOperator<S extends TSchema>(definition: SinkOperator<S>): SinkOperator<S>;
export function defineOperator<S extends TSchema>(definition: FeatureOperator<S>): FeatureOperator<S>;
export function defineOperator(definition: OperatorDefinition): OperatorDefinition {
  return definition;
}
