import type { LiveState, LiveStream } from '../live-stream.js';
import { LatencyRing, micros } from './latency-ring.js';

/**
 * Each pipeline's p50/p99 as the `status` topic brings them (once a second), kept in a bounded
 * ring per pipeline for as long as the page's stream lives, so leaving the view and coming back
 * keeps the minutes already seen. Points are placed at the browser's time of arrival; when the
 * link drops, a gap is added so the line never bridges a time nobody saw.
 */
export class LatencyHistory {
  private readonly rings = new Map<string, LatencyRing>();
  private readonly listeners = new Set<() => void>();
  private lastStatus: LiveState['status'] = null;
  private wasLive = false;

  constructor(stream: LiveStream) {
    this.take(stream.current);
    stream.onChange((state) => this.take(state));
  }

  /** The ring of `pipeline` (empty until its first status). */
  ring(pipeline: string): LatencyRing {
    return this.rings.get(pipeline) ?? EMPTY;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private take(state: LiveState): void {
    const live = state.connection === 'live';
    if (live && state.status !== null && state.status !== this.lastStatus && state.liveAt !== null) {
      this.lastStatus = state.status;
      const seconds = state.liveAt / 1000;
      const running = new Set<string>();
      for (const pipeline of state.status.pipelines) {
        running.add(pipeline.pipeline);
        let ring = this.rings.get(pipeline.pipeline);
        if (!ring) {
          ring = new LatencyRing();
          this.rings.set(pipeline.pipeline, ring);
        }
        ring.push(seconds, micros(pipeline.p50Nanos), micros(pipeline.p99Nanos));
      }
      // A pipeline that is gone takes its memory with it.
      for (const id of [...this.rings.keys()]) if (!running.has(id)) this.rings.delete(id);
      this.notify();
    } else if (!live && this.wasLive) {
      const now = Date.now() / 1000;
      for (const ring of this.rings.values()) ring.push(now, null, null);
      this.notify();
    }
    this.wasLive = live;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

const EMPTY = new LatencyRing(1);
const histories = new WeakMap<LiveStream, LatencyHistory>();

/** The one history of this stream (made on first use). */
export function latencyHistory(stream: LiveStream): LatencyHistory {
  let history = histories.get(stream);
  if (!history) {
    history = new LatencyHistory(stream);
    histories.set(stream, history);
  }
  return history;
}
