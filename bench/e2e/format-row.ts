import type { LoadReport } from './load-generator.js';
import { sloMisses, sustainMisses } from './sweep.js';

const ms = (micros: number): number => Number((micros / 1000).toFixed(micros < 10_000 ? 2 : 0));

/** One table row per load step; latencies in milliseconds, the hiccup baseline beside them. */
export function formatRow(report: LoadReport, engine = 'enigma'): Record<string, string | number> {
  const misses = sloMisses(report);
  return {
    engine,
    offered: report.offered === 'max' ? 'max' : report.offered,
    conns: report.connections,
    'achieved msg/s': Math.round(report.achievedPerSecond),
    'sig→ord p50 ms': ms(report.signalToOrder.p50),
    'sig→ord p99 ms': ms(report.signalToOrder.p99),
    'sig→ord p99.9 ms': ms(report.signalToOrder.p999),
    'tick→ack p50 ms': ms(report.tickToAck.p50),
    'tick→ack p99 ms': ms(report.tickToAck.p99),
    'tick→ack p99.9 ms': ms(report.tickToAck.p999),
    'hiccup p99/max ms': `${String(ms(report.hiccup.p99))}/${String(ms(report.hiccup.max))}`,
    'fsync p99/max ms': `${String(ms(report.fsync.p99))}/${String(ms(report.fsync.max))}`,
    'gen lag p99 ms': ms(report.generatorLag.p99),
    'lost/dup/reord': `${String(report.lost)}/${String(report.duplicated)}/${String(report.reordered)}`,
    sustained: sustainMisses(report).length === 0 ? 'yes' : 'no',
    'latency SLO': misses.length === 0 ? 'met' : `missed: ${misses.join(', ')}`,
  };
}

export const ROW_HEADERS = Object.keys(
  formatRow({
    offered: 0,
    connections: 0,
    sent: 0,
    signals: 0,
    achievedPerSecond: 0,
    sendSeconds: 0,
    tickToAck: { count: 0, p50: 0, p99: 0, p999: 0, max: 0 },
    signalToOrder: { count: 0, p50: 0, p99: 0, p999: 0, max: 0 },
    generatorLag: { count: 0, p50: 0, p99: 0, p999: 0, max: 0 },
    hiccup: { count: 0, p50: 0, p99: 0, p999: 0, max: 0 },
    fsync: { count: 0, p50: 0, p99: 0, p999: 0, max: 0 },
    unacked: 0,
    commands: { received: 0, lost: 0, duplicated: 0, reordered: 0 },
    unanswered: 0,
    duplicateOrders: 0,
    acksBackwards: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    errors: {},
    disconnects: 0,
  }),
);

/** `2.4–3.1 ms`: the lowest and highest signal → order p99 of some steps, so a reader sees what a ratio's 5 % is measured against. */
export function p99Spread(reports: readonly LoadReport[]): string {
  const p99s = reports.map((report) => report.signalToOrder.p99);
  return `${String(ms(Math.min(...p99s)))}–${String(ms(Math.max(...p99s)))} ms`;
}
