/**
 * End to end over real WebSockets: the load generator (bench/e2e/, its own process) plays
 * NinjaTrader clients against the engine (its own process: gateway, bench pipeline, DuckDB store,
 * acks once stored) at offered rates from 1,000 msg/s to as fast as it acks, open loop, and
 * reports achieved throughput, tick → stored ack and signal → order latency with the machine's
 * hiccup baseline beside them, and every lost, duplicated or reordered message.
 */
import { cpus, loadavg } from 'node:os';
import { formatRow } from '../e2e/format-row.js';
import type { LoadReport } from '../e2e/load-generator.js';
import { runSweep } from '../e2e/sweep.js';
import { QUICK_TOLERANCE } from '../slo.js';
import type { Suite } from '../suite.js';

const SLO_RATE = 10_000;

/** The middle report by `key` (the one of three that is neither the best nor the worst). */
function medianBy(
  reports: readonly LoadReport[],
  key: (report: LoadReport) => number,
): LoadReport | undefined {
  return [...reports].sort((a, b) => key(a) - key(b))[Math.floor((reports.length - 1) / 2)];
}

const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a');

const e2eSuite: Suite = async ({ quick }) => {
  const loadAtStart = loadavg()[0] ?? 0;
  const progress = (report: LoadReport) =>
    process.stderr.write(
      `  e2e ${String(report.offered)} msg/s × ${String(report.connections)}: ${String(Math.round(report.achievedPerSecond))} msg/s achieved\n`,
    );
  const slack = quick ? QUICK_TOLERANCE : 1;
  const single = await runSweep({
    // Quick steps are short, so the 10,000 msg/s step runs three times and the median counts. The
    // quick gate asks for a third of the 100,000 msg/s target: 35,000 is the step that answers it
    // (a runner too busy for 50,000 for two seconds must not fail the gate while the engine clears
    // the bar); 50,000 shows the headroom. 100,000 on a busy 2-core runner sits on the edge of the
    // 95 % and ack-pace rules, so it would judge the machine, not the engine.
    rates: quick ? [SLO_RATE, SLO_RATE, SLO_RATE, 35_000, 50_000] : [1000, SLO_RATE, 50_000, 100_000, 'max'],
    durationMs: quick ? 2000 : 8000,
    warmupMs: quick ? 1000 : 2000,
    connections: 1,
    onStep: progress,
    slack,
  });
  const several = quick
    ? undefined
    : await runSweep({
        rates: [SLO_RATE, 'max'],
        durationMs: 5000,
        warmupMs: 1000,
        connections: 4,
        onStep: progress,
        slack,
      });
  // The floor in the same run: the same generator against a bare ws engine (no validation,
  // sessions, pipeline or store), and the engine acking on acceptance instead of once stored.
  const bare = await runSweep({
    rates: quick ? [SLO_RATE] : [SLO_RATE, 'max'],
    durationMs: quick ? 1000 : 8000,
    warmupMs: quick ? 300 : 1000,
    connections: 1,
    engine: 'bare',
    onStep: progress,
  });
  const accepting = quick
    ? undefined
    : await runSweep({
        rates: [SLO_RATE],
        durationMs: 8000,
        warmupMs: 1000,
        connections: 1,
        store: false,
        onStep: progress,
      });
  const steps = [...single.steps, ...(several?.steps ?? [])];
  const bareAtSlo = bare.steps.find((report) => report.offered === SLO_RATE);
  const atSlo = medianBy(
    single.steps.filter((report) => report.offered === SLO_RATE),
    (report) => report.signalToOrder.p99,
  );
  const fastest = single.steps.find((report) => report.offered === 'max');
  const loadAtEnd = loadavg()[0] ?? 0;
  const commit = single.engineStats?.store?.['commitMillis'] as
    { p50: number; p99: number; max: number } | undefined;
  const gatewayRejected = [single, several].reduce(
    (sum, sweep) => sum + (sweep?.engineStats?.gateway['rejected'] ?? 0),
    0,
  );
  return {
    name: 'e2e: load generator → engine over loopback WebSockets (separate processes, DuckDB store)',
    rows: [
      ...steps.map((report) => formatRow(report, 'enigma, stored acks')),
      ...(accepting?.steps ?? []).map((report) => formatRow(report, 'enigma, no store')),
      ...bare.steps.map((report) => formatRow(report, 'bare ws (floor)')),
    ],
    figures: {
      ...(atSlo && {
        'e2e.signalToOrderP99Micros': atSlo.signalToOrder.p99,
        'e2e.signalToOrderP999Micros': atSlo.signalToOrder.p999,
        'e2e.tickToAckP99Micros': atSlo.tickToAck.p99,
        'e2e.hiccupP99Micros': atSlo.hiccup.p99,
        'e2e.fsyncP99Micros': atSlo.fsync.p99,
      }),
      ...(bareAtSlo && {
        'e2e.floorSignalToOrderP99Micros': bareAtSlo.signalToOrder.p99,
        'e2e.floorSignalToOrderP999Micros': bareAtSlo.signalToOrder.p999,
      }),
      'e2e.sustainedMessagesPerSecond': Math.max(single.sustained, several?.sustained ?? 0),
      ...(fastest && { 'e2e.maxMessagesPerSecond': Math.round(fastest.achievedPerSecond) }),
      'e2e.lostDuplicatedReordered': steps.reduce(
        (sum, report) => sum + report.lost + report.duplicated + report.reordered + report.disconnects,
        0,
      ),
    },
    notes: [
      `${quick ? '2 s (10,000 msg/s three times: the median step by signal → order p99 gives the e2e figures)' : '8 s (5 s with 4 connections)'} per step after an unrecorded warm-up; one signal in 10 messages, the rest ticks over 3 instruments per connection`,
      'open loop: latencies run from each message’s intended send time (no coordinated omission); "max" sends whenever < 20,000 are unacked and times from the actual send',
      'tick→ack: until the engine acks it as committed to DuckDB; sig→ord: until the order frame arrives back',
      'hiccup: the generator process’s 1 ms sleeps woken late, in the same run (the machine’s own stalls); fsync: 4 KiB appended and fsynced every 10 ms in the temp dir the engine’s DuckDB file lives in (the disk’s own stalls: a stored ack waits for a WAL fsync); gen lag: how late the generator itself sent',
      'sustained: ≥ 95 % of the offered rate achieved, every tick acked as stored with p99 < 250 ms (acks keep pace), nothing lost/duplicated/reordered',
      'latency SLO (set for 10,000 msg/s, shown at every rate): sustained, and sig→ord p99 < 2 ms and p99.9 < 5 ms, tick→ack p99 < 50 ms',
      ...(atSlo && bareAtSlo
        ? [
            `at ${String(SLO_RATE)} msg/s, enigma ÷ bare ws: sig→ord p50 ${ratio(atSlo.signalToOrder.p50, bareAtSlo.signalToOrder.p50)}, p99 ${ratio(atSlo.signalToOrder.p99, bareAtSlo.signalToOrder.p99)}; tick→ack p99 ${ratio(atSlo.tickToAck.p99, bareAtSlo.tickToAck.p99)}`,
          ]
        : []),
      ...(commit
        ? [
            `the engine's store over the one-connection sweep: commit p50 ${commit.p50.toFixed(0)} ms, p99 ${commit.p99.toFixed(0)} ms, max ${commit.max.toFixed(0)} ms (its own counters)`,
          ]
        : []),
      `saturation: highest rate sustained = ${String(Math.max(single.sustained, several?.sustained ?? 0))} msg/s; latency SLO holds up to ${String(Math.max(single.latencySloHolds, several?.latencySloHolds ?? 0))} msg/s${quick ? ' (quick: limits × 3)' : ''}; gateway rejected ${String(gatewayRejected)} message(s)`,
      `load average ${loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)} on ${String(cpus().length)} cores: latency tails below the hiccup max are the machine’s`,
    ],
  };
};

export default e2eSuite;
