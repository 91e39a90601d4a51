import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type { Alert } from '../core/events.js';

/** The same alert code is printed at most once in this long; the rest are counted. */
const REPEAT_INTERVAL_MS = 10_000;

/**
 * Prints the engine's warning and critical alerts on standard error as they happen (a broker that
 * disconnected, a price band, failed logins, a store that cannot commit), so a trader watching
 * the terminal sees them: `alert CRITICAL EXECUTION_BROKER_DISCONNECTED APEX-12345: …`. Info alerts
 * stay in the history. A code that repeats is printed once per interval, with how many were held.
 */
export class AlertLog {
  private readonly lastPrinted = new Map<string, { at: number; held: number }>();

  constructor(
    bus: MessageBus,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
    private readonly nowMs: () => number = () => performance.now(),
    private readonly tty = process.stderr.isTTY,
  ) {
    bus.observe(TOPICS.alerts).subscribe((alert) => this.print(alert));
  }

  private print(alert: Alert): void {
    if (alert.severity === 'info') return;
    const now = this.nowMs();
    const last = this.lastPrinted.get(alert.code);
    if (last && now - last.at < REPEAT_INTERVAL_MS) {
      last.held += 1;
      return;
    }
    const held = last && last.held > 0 ? ` (${String(last.held)} more since the last one)` : '';
    this.lastPrinted.set(alert.code, { at: now, held: 0 });
    const where = alert.account ?? alert.symbol;
    const line = `alert ${alert.severity.toUpperCase()} ${alert.code}${where !== undefined ? ` ${where}` : ''}: ${alert.message}${held}`;
    // On a terminal the status line is rewritten in place: clear it, the next tick redraws it.
    this.write(this.tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  }
}
