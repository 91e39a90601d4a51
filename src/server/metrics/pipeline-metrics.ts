import type { Registry } from 'prom-client';
import type { LatencyBuckets, StepMetrics } from '../../pipeline/metrics.js';
import type { PipelineLiveMetrics } from '../../pipeline/runtime.js';
import { scrapedCounter, ScrapedLatencyHistogram, type Labels, type Sample } from './scraped.js';

/** What the exporter reads of a pipeline run (PipelineRun has it). */
export interface MeteredPipeline {
  readonly id: string;
  liveMetrics(): PipelineLiveMetrics;
}

/** A step's labels: its pipeline and its id within it (StepMetrics names it `pipeline.step`). */
function stepLabels(pipeline: string, step: StepMetrics): Labels {
  const id = step.step.startsWith(`${pipeline}.`) ? step.step.slice(pipeline.length + 1) : step.step;
  return { pipeline, step: id };
}

/**
 * Messages, errors and latency of every pipeline and step, read from the runs' own counters and
 * histograms at scrape time. The latency histograms count the runtime's timed sample (every
 * message of a step's first 256, then one in 256): their `_count` is samples, not messages.
 */
export function registerPipelineMetrics(
  registry: Registry,
  pipelines: () => readonly MeteredPipeline[],
): void {
  const runs = () => pipelines().map((run) => ({ id: run.id, live: run.liveMetrics() }));
  function* perRun(value: (live: PipelineLiveMetrics) => number): Iterable<Sample> {
    for (const { id, live } of runs()) yield [{ pipeline: id }, value(live)];
  }
  function* perStep(value: (step: StepMetrics) => number): Iterable<Sample> {
    for (const { id, live } of runs())
      for (const step of live.steps) yield [stepLabels(id, step), value(step)];
  }
  const pipelineLabels = ['pipeline'];
  const stepLabelNames = ['pipeline', 'step'];
  scrapedCounter({
    registry,
    name: 'enigma_pipeline_source_messages_total',
    help: 'Messages the pipeline sources emitted.',
    labelNames: pipelineLabels,
    read: () => perRun((live) => live.sourceMessages),
  });
  scrapedCounter({
    registry,
    name: 'enigma_pipeline_dead_letters_total',
    help: 'Messages a step of the pipeline could not process (kept in the dead-letter stream).',
    labelNames: pipelineLabels,
    read: () => perRun((live) => live.deadLetters),
  });
  scrapedCounter({
    registry,
    name: 'enigma_step_messages_in_total',
    help: 'Messages a pipeline step received.',
    labelNames: stepLabelNames,
    read: () => perStep((step) => step.in),
  });
  scrapedCounter({
    registry,
    name: 'enigma_step_messages_out_total',
    help: 'Messages a pipeline step emitted.',
    labelNames: stepLabelNames,
    read: () => perStep((step) => step.out),
  });
  scrapedCounter({
    registry,
    name: 'enigma_step_errors_total',
    help: 'Messages a pipeline step failed on.',
    labelNames: stepLabelNames,
    read: () => perStep((step) => step.errors),
  });
  scrapedCounter({
    registry,
    name: 'enigma_step_dead_letters_total',
    help: 'Messages a pipeline step sent to the dead-letter stream.',
    labelNames: stepLabelNames,
    read: () => perStep((step) => step.deadLettered),
  });
  new ScrapedLatencyHistogram({
    registry,
    name: 'enigma_pipeline_latency_seconds',
    help: 'Time from a source emitting a message to the whole graph having handled it (timed sample).',
    labelNames: pipelineLabels,
    read: function* (): Iterable<readonly [Labels, LatencyBuckets]> {
      for (const { id, live } of runs()) yield [{ pipeline: id }, live.latency.buckets()];
    },
  });
  new ScrapedLatencyHistogram({
    registry,
    name: 'enigma_step_latency_seconds',
    help: "A step's own processing time, downstream work excluded (timed sample).",
    labelNames: stepLabelNames,
    read: function* (): Iterable<readonly [Labels, LatencyBuckets]> {
      for (const { id, live } of runs())
        for (const step of live.steps) yield [stepLabels(id, step), step.latency.buckets()];
    },
  });
}
