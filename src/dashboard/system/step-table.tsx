import { count, latency } from '../format.js';
import type { Status } from '../types.js';
import type { DeadLetter } from './use-dead-letters.js';

type PipelineStatus = Status['pipelines'][number];

/** A count of trouble: a warning sign beside a number above zero, so colour is not the only cue. */
function Trouble(props: { readonly value: number; readonly field: string }) {
  return (
    <td data-field={props.field} class={props.value > 0 ? 'down' : ''}>
      {props.value > 0 && <span aria-hidden="true">⚠ </span>}
      {count(props.value)}
    </td>
  );
}

/**
 * One pipeline's figures from the latest `status`: the pipeline's source rate and end-to-end
 * latency, then each step's input rate, latency percentiles, counts, and the reason of its last
 * dead letter (from the store, when it keeps one).
 */
export function StepTable(props: {
  readonly pipeline: PipelineStatus;
  readonly lastLetters: ReadonlyMap<string, DeadLetter>;
}) {
  const p = props.pipeline;
  return (
    <section class="panel pipeline" data-pipeline={p.pipeline} aria-labelledby={`pipeline-${p.pipeline}`}>
      <h3 id={`pipeline-${p.pipeline}`}>Pipeline {p.pipeline}</h3>
      <dl class="figures pipeline-figures">
        <div>
          <dt>Source messages / s</dt>
          <dd data-field="source-rate">{count(p.sourcePerSecond)}</dd>
        </div>
        <div>
          <dt>p50</dt>
          <dd data-field="p50">{latency(p.p50Nanos)}</dd>
        </div>
        <div>
          <dt>p99</dt>
          <dd data-field="p99">{latency(p.p99Nanos)}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd data-field="errors">{count(p.errors)}</dd>
        </div>
        <div>
          <dt>Dead letters</dt>
          <dd data-field="dead-letters">{count(p.deadLetters)}</dd>
        </div>
      </dl>
      {/* Focusable, so a keyboard can scroll a table wider than a phone. */}
      <div class="table-wrap" tabIndex={0} role="region" aria-label={`Steps of pipeline ${p.pipeline}`}>
        <table class="steps">
          <caption class="sr-only">Steps of pipeline {p.pipeline}</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">In / s</th>
              <th scope="col">p50</th>
              <th scope="col">p99</th>
              <th scope="col">Max</th>
              <th scope="col">In</th>
              <th scope="col">Out</th>
              <th scope="col">Errors</th>
              <th scope="col">Dead letters</th>
              <th scope="col">Last reason</th>
            </tr>
          </thead>
          <tbody>
            {p.steps.map((step) => {
              // The engine names steps `pipeline.step`; the table is the pipeline's already.
              const full = step.step.startsWith(`${p.pipeline}.`) ? step.step : `${p.pipeline}.${step.step}`;
              const name = full.slice(p.pipeline.length + 1);
              const letter = props.lastLetters.get(full);
              return (
                <tr key={full} data-step={name}>
                  <th scope="row">{name}</th>
                  <td data-field="in-rate">{count(step.inPerSecond)}</td>
                  <td data-field="p50">{latency(step.p50Nanos)}</td>
                  <td data-field="p99">{latency(step.p99Nanos)}</td>
                  <td data-field="max">{latency(step.maxNanos)}</td>
                  <td data-field="in">{count(step.in)}</td>
                  <td data-field="out">{count(step.out)}</td>
                  <Trouble field="errors" value={step.errors} />
                  <Trouble field="dead-lettered" value={step.deadLettered} />
                  <td data-field="last-reason">
                    {letter ? (
                      <>
                        <code>{letter.code}</code> {letter.reason}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
