import { useState } from 'preact/hooks';
import { count } from '../format.js';
import { horizon, percent } from './figures.js';
import type { SignalRow } from './report-types.js';

function Rows(props: {
  readonly title: string;
  readonly rows: readonly SignalRow[];
  readonly dimension: string;
}) {
  return (
    <div class="scroll">
      <table data-testid={`signals-${props.dimension}`}>
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">{props.dimension === 'confidence' ? 'Confidence' : 'Source'}</th>
            <th scope="col">Signals</th>
            <th scope="col">Hits</th>
            <th scope="col">Hit rate</th>
            <th scope="col">95 % interval</th>
            <th scope="col">Avg move (ticks)</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={6}>No signal reached this horizon in the period.</td>
            </tr>
          ) : (
            props.rows.map((row) => (
              <tr key={row.bucket} data-bucket={row.bucket}>
                <th scope="row">{row.bucket}</th>
                <td>{count(row.signals)}</td>
                <td>{count(row.hits)}</td>
                <td>{percent(row.hitRate)}</td>
                <td>
                  {row.hitInterval
                    ? `${percent(row.hitInterval.low)} – ${percent(row.hitInterval.high)}`
                    : '–'}
                </td>
                <td>{`${row.averageTicks >= 0 ? '+' : '−'}${Math.abs(row.averageTicks).toFixed(2)}`}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Signal effectiveness by confidence bucket and by source at one horizon (the longest any signal
 * reached, as the report shows it, or the one chosen): how often the price moved the signal's way,
 * with the Wilson interval that says how little a few signals prove.
 */
export function SignalTable(props: { readonly signals: readonly SignalRow[] }) {
  const horizons = [...new Set(props.signals.map((s) => s.horizonSeconds))].sort((a, b) => a - b);
  const [chosen, setChosen] = useState<number | null>(null);
  const shown = chosen !== null && horizons.includes(chosen) ? chosen : (horizons.at(-1) ?? null);
  const at = (dimension: string): SignalRow[] =>
    props.signals.filter((s) => s.dimension === dimension && s.horizonSeconds === shown);
  return (
    <section aria-labelledby="signals-title" class="panel">
      <h3 id="signals-title">Signal effectiveness</h3>
      {shown === null ? (
        <p>No signal in the period with a price at any horizon yet.</p>
      ) : (
        <>
          <label class="inline-field">
            Horizon{' '}
            <select value={String(shown)} onChange={(e) => setChosen(Number(e.currentTarget.value))}>
              {horizons.map((h) => (
                <option key={h} value={String(h)}>
                  {horizon(h)}
                </option>
              ))}
            </select>
          </label>
          <Rows
            title={`By confidence, ${horizon(shown)} after the signal`}
            rows={at('confidence')}
            dimension="confidence"
          />
          <Rows
            title={`By source, ${horizon(shown)} after the signal`}
            rows={at('source')}
            dimension="source"
          />
        </>
      )}
    </section>
  );
}
