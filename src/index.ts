/**
 * The public API of Enigma-Apex for code that extends it: user operator modules
 * (`import { defineOperator, Type } from 'enigma-apex'`), typed pipelines, embedding the engine.
 */
export { Type } from '@sinclair/typebox';
export { MessageBus } from './bus/bus.js';
export { TOPICS, type Topic } from './bus/topics.js';
export { LiveClock, ReplayClock, type Clock } from './core/clock.js';
export type * from './core/events.js';
export { CONTRACT_SPECS, findInstrument, roundToTick, type Instrument } from './core/instruments.js';
export { EngineError, PipelineDefinitionError } from './core/errors.js';
export { Engine, preparePipeline } from './engine.js';
export {
  createEngineLogger,
  type EngineLogger,
  type EngineLoggerOptions,
  type Logger,
  type LogLevel,
} from './core/log/logger.js';
export { redactSecrets, registerSecret } from './core/log/secrets.js';
export { checkPipeline, compile, type CompiledPipeline } from './pipeline/compile.js';
export { definePipeline, type PipelineDefinition, type StepDefinition } from './pipeline/definition.js';
export {
  defineOperator,
  type OperatorDefinition,
  type Step,
  type Sink,
  type Emit,
} from './pipeline/operator.js';
export { toOperator } from './pipeline/to-operator.js';
