import { money } from '../format.js';

/** Below this share of its limit left, room is a warning; below the second, a danger. */
const WARN_SHARE = 0.5;
const DANGER_SHARE = 0.2;

/**
 * How much room is left under one limit of the account's rule profile: a bar and the figures in
 * words (`$1,900.00 of $2,500.00 left, 76%`), so the colour is never the only cue.
 */
export function Gauge(props: {
  readonly label: string;
  readonly field: string;
  readonly room: number | null;
  readonly limit: number | null;
}) {
  const { label, room, limit } = props;
  if (room === null || limit === null || limit <= 0) {
    return (
      <div class="gauge" data-field={props.field}>
        <span class="gauge-label">{label}</span>
        <span class="gauge-text">no such rule</span>
      </div>
    );
  }
  const share = Math.min(Math.max(room / limit, 0), 1);
  const level = share < DANGER_SHARE ? 'danger' : share < WARN_SHARE ? 'warn' : 'ok';
  const percent = Math.round(share * 100);
  return (
    <div class={`gauge gauge-${level}`} data-field={props.field}>
      <span class="gauge-label" id={`${props.field}-label`}>
        {label}
      </span>
      <div
        class="gauge-track"
        role="meter"
        aria-labelledby={`${props.field}-label`}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={Math.max(room, 0)}
        aria-valuetext={`${money(room)} of ${money(limit)} left`}
      >
        <div class="gauge-fill" style={{ width: `${String(percent)}%` }} />
      </div>
      <span class="gauge-text">
        {money(room)} of {money(limit)} left, {percent}%{level === 'danger' ? ' (close to the limit)' : ''}
      </span>
    </div>
  );
}
