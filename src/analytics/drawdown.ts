import type { Micros } from '../core/time.js';

/** A point of an equity path: when, in which session (index into the series' sessions), how much. */
export interface PathPoint {
  readonly ts: Micros;
  readonly session: number;
  readonly equity: number;
}

/** One fall from a peak until equity is back at the peak (or until the end, unrecovered). */
export interface DrawdownEpisode {
  readonly peakTs: Micros;
  readonly peakSession: number;
  readonly peakEquity: number;
  readonly troughTs: Micros;
  readonly troughEquity: number;
  /** peak − trough, dollars. */
  readonly depth: number;
  /** (peak − trough) / peak. */
  readonly depthPercent: number;
  /** First instant back at or above the peak; null while still under water. */
  readonly recoveryTs: Micros | null;
  readonly recoverySession: number | null;
  /** Sessions from the peak to the recovery (or to the last point): the peak's own session counts 0. */
  readonly lengthSessions: number;
  /** Calendar time from the peak to the recovery (or to the last point). */
  readonly lengthMicros: Micros;
}

export interface DrawdownSummary {
  /** Largest peak − equity over the path, dollars (0 when equity never falls). */
  readonly maxDepth: number;
  /** Largest (peak − equity) / peak; it may come from another episode than `maxDepth`. */
  readonly maxDepthPercent: number;
  /** The episode of `maxDepth`. */
  readonly worst: DrawdownEpisode | null;
  /** The episode that lasted the most calendar time. */
  readonly longest: DrawdownEpisode | null;
  /** Every episode, deepest ($) first. */
  readonly episodes: readonly DrawdownEpisode[];
}

/**
 * Drawdowns of an equity path: the running peak is the highest equity so far; an episode starts
 * when equity falls below it and ends at the first point back at or above it. Depth in dollars
 * and as a fraction of the peak; length in sessions and in calendar time.
 */
export function drawdowns(path: readonly PathPoint[]): DrawdownSummary {
  const episodes: DrawdownEpisode[] = [];
  let maxDepthPercent = 0;
  let peak: PathPoint | undefined;
  let trough: PathPoint | undefined;
  const close = (recovery: PathPoint | undefined, end: PathPoint): void => {
    if (!peak || !trough) return;
    const until = recovery ?? end;
    episodes.push({
      peakTs: peak.ts,
      peakSession: peak.session,
      peakEquity: peak.equity,
      troughTs: trough.ts,
      troughEquity: trough.equity,
      depth: peak.equity - trough.equity,
      depthPercent: peak.equity > 0 ? (peak.equity - trough.equity) / peak.equity : 0,
      recoveryTs: recovery?.ts ?? null,
      recoverySession: recovery?.session ?? null,
      lengthSessions: until.session - peak.session,
      lengthMicros: until.ts - peak.ts,
    });
  };
  for (const point of path) {
    if (!peak || point.equity >= peak.equity) {
      if (trough) close(point, point);
      peak = point;
      trough = undefined;
      continue;
    }
    if (!trough || point.equity < trough.equity) trough = point;
    if (peak.equity > 0)
      maxDepthPercent = Math.max(maxDepthPercent, (peak.equity - point.equity) / peak.equity);
  }
  const last = path[path.length - 1];
  if (trough && last) close(undefined, last);
  episodes.sort((a, b) => b.depth - a.depth || a.peakTs - b.peakTs);
  const worst = episodes[0] ?? null;
  let longest: DrawdownEpisode | null = null;
  for (const episode of episodes)
    if (!longest || episode.lengthMicros > longest.lengthMicros) longest = episode;
  return { maxDepth: worst?.depth ?? 0, maxDepthPercent, worst, longest, episodes };
}
