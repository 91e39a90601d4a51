import type { Engine } from '../engine.js';
import { formatCount, formatNanos } from './format.js';
import type { TradingTally } from './trading-tally.js';
import { warmUpSegment } from './warm-up.js';

/**
 * The one-line live status of a running engine on standard error, once a second: messages per
 * second, graph latency p99, errors and dead letters, and what it traded. On a terminal the line
 * is rewritten in place.
 */
export class StatusLine {
  private timer: NodeJS.Timeout | undefined;
  private lastCount = 0;
  private lastTime = performance.now();
  private readonly startTime = performance.now();

  constructor(
    private readonly engine: Engine,
    private readonly tally: TradingTally | undefined,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.print(), 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private print(): void {
    const metrics = this.engine.metrics();
    const now = performance.now();
    // Runs replaced by a reload count too, so the total and the rate do not drop.
    const count =
      this.engine.retiredSourceMessages + metrics.reduce((sum, pipeline) => sum + pipeline.sourceMessages, 0);
    const rate = ((count - this.lastCount) * 1000) / (now - this.lastTime);
    this.lastCount = count;
    this.lastTime = now;
    const p99 = Math.max(0, ...metrics.map((pipeline) => pipeline.latencyP99Nanos));
    const errors = metrics.reduce((sum, pipeline) => sum + pipeline.errors, 0);
    const dead = metrics.reduce((sum, pipeline) => sum + pipeline.deadLetters, 0);
    const seconds = Math.floor((now - this.startTime) / 1000);
    const uptime = `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
    const trading = this.tally?.line() ?? '';
    const line = `enigma ${uptime} | ${formatCount(rate)} msg/s | p99 ${formatNanos(p99)} | errors ${errors} | dead letters ${dead} | total ${formatCount(count)}${trading ? ` | ${trading}` : ''}`;
    // Features still warming up, e.g. `warming up: channel (13 bars)`: why nothing is emitted yet.
    const warming = warmUpSegment(metrics);
    const shown = warming === '' ? line : `${line} | ${warming}`;
    this.stream.write(this.stream.isTTY ? `\r\x1b[K${shown}` : `${shown}\n`);
  }
}
