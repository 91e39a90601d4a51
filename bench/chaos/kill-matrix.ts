/**
 * Kill matrix: a writer streams ticks and signals at 10,000 msg/s (signals come back as orders)
 * and an order client sends signals, while the engine is killed with SIGKILL at random moments,
 * during a commit (the WAL file growing) and during its shutdown checkpoint, the writer's
 * connection is cut abruptly, the order client is killed mid-order and restarted from its
 * journal, and a stalled client stops reading. Afterwards the DuckDB file is audited: every
 * acknowledged message stored exactly once, no order sent twice; and the time to recover.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { sleep, startScript, type ScriptProcess } from './child.js';
import { ChaosEngine } from './engine.js';
import { helloText, Random } from './fuzz-frames.js';
import type { ChaosSettings } from './settings.js';
import { auditSession } from './store-audit.js';
import { check, figure, median, type Figure } from './table.js';
import type { WriterOptions, WriterProgress, WriterReport } from './writer-process.js';

const S = 'kill';

/**
 * What a client's order journal says. The protocol delivers orders at least once (after an engine
 * restart the order for a resent signal comes again, with the same id) and the client submits at
 * most one NinjaTrader order per `client_order_id` (docs/protocol.md §3.4). So an order is
 * **submitted twice** only when one signal gets two different ids; a **redelivery** (same id,
 * another engine seq) is dropped by the client and only counted.
 */
export interface JournalAudit {
  /** Orders handled (every delivery). */
  readonly deliveries: number;
  /** Distinct `client_order_id`s: the NinjaTrader orders submitted. */
  readonly submitted: number;
  readonly redelivered: number;
  /** Extra ids for a signal that already had one. */
  readonly submittedTwice: number;
  readonly sessions: readonly string[];
}

export function auditJournal(text: string): JournalAudit {
  const ids = new Set<string>();
  const idsBySignal = new Map<string, Set<string>>();
  let deliveries = 0;
  const sessions: string[] = [];
  for (const line of text.split('\n')) {
    const [word, id, signalTs] = line.split(' ');
    if (word === 'session' && id !== undefined && !sessions.includes(id)) sessions.push(id);
    if (word !== 'order' || id === undefined) continue;
    deliveries += 1;
    ids.add(id);
    if (signalTs !== undefined && signalTs !== '0') {
      const forSignal = idsBySignal.get(signalTs) ?? new Set<string>();
      forSignal.add(id);
      idsBySignal.set(signalTs, forSignal);
    }
  }
  let submittedTwice = 0;
  for (const forSignal of idsBySignal.values()) submittedTwice += forSignal.size - 1;
  return { deliveries, submitted: ids.size, redelivered: deliveries - ids.size, submittedTwice, sessions };
}

function latest(process: ScriptProcess<WriterReport>): WriterProgress | undefined {
  const line = process.progress.at(-1);
  return line === undefined ? undefined : (JSON.parse(line) as WriterProgress);
}

/** Waits until the writer's acks move past `acked`; milliseconds, or Infinity after `limitMs`. */
async function untilAckedPast(
  writer: ScriptProcess<WriterReport>,
  acked: number,
  limitMs = 60_000,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((latest(writer)?.acked ?? 0) > acked) return performance.now() - started;
    await sleep(20);
  }
  return Infinity;
}

/** Polls the WAL file; resolves as soon as its size changes (a commit writing), at most `limitMs`. */
async function untilWalWrites(walPath: string, limitMs: number): Promise<boolean> {
  const size = (): number => (existsSync(walPath) ? statSync(walPath).size : -1);
  const before = size();
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (size() !== before) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

/** A client that stops reading after its welcome: the engine must cut it, and no one else may notice. */
async function stalledClient(
  url: string,
  token: string,
  holdMs: number,
): Promise<{ closedByEngine: boolean; code: number }> {
  const target = new URL(url);
  target.protocol = 'ws:';
  target.pathname = '/v1/stream';
  const socket = new WebSocket(target, { headers: { Authorization: `Bearer ${token}` } });
  socket.on('error', () => undefined);
  let code = 0;
  const closed = new Promise<void>((resolve) =>
    socket.once('close', (closeCode) => {
      code = closeCode;
      resolve();
    }),
  );
  await new Promise<void>((resolve) => {
    socket.once('open', () => socket.send(helloText(Date.now() * 1000)));
    socket.once('message', () => resolve());
    socket.once('close', () => resolve());
  });
  // Stop reading: TCP fills, pings go unanswered.
  (socket as unknown as { _socket?: { pause(): void; resume(): void } })._socket?.pause();
  await sleep(holdMs);
  (socket as unknown as { _socket?: { pause(): void; resume(): void } })._socket?.resume();
  const within = await Promise.race([closed.then(() => true), sleep(2000).then(() => false)]);
  if (!within) socket.terminate();
  return { closedByEngine: within, code };
}

export async function runKillMatrix(settings: ChaosSettings): Promise<Figure[]> {
  const dataDir = join(settings.workDir, 'kill');
  mkdirSync(dataDir, { recursive: true });
  const random = new Random(settings.seed ^ 0xc0ffee);
  const engine = new ChaosEngine({
    token: settings.token,
    dataDir,
    accounts: ['CHAOS0', 'CHAOS1'],
    ...(settings.duckdb && { duckdb: settings.duckdb }),
  });
  await engine.start();
  const walPath = `${engine.storePath}.wal`;
  const writerJournal = join(dataDir, 'writer.journal');
  const orderJournal = join(dataDir, 'orders.journal');
  const writerOptions: WriterOptions = {
    url: engine.url,
    rate: settings.kill.rate,
    index: 0,
    signalEvery: 10,
    journal: writerJournal,
  };
  const writer = startScript<WriterReport>('writer-process.ts', writerOptions, settings.token);
  const orderOptions: WriterOptions = {
    url: engine.url,
    rate: 100,
    index: 1,
    signalEvery: 1,
    journal: orderJournal,
  };
  let orderClient = startScript<WriterReport>('writer-process.ts', orderOptions, settings.token);
  await sleep(3000);

  const recoveries: number[] = [];
  const restarts: number[] = [];
  const events: string[] = [];
  const unrecovered: string[] = [];
  const kill = async (label: string, before: () => Promise<void>): Promise<void> => {
    await before();
    const acked = latest(writer)?.acked ?? 0;
    const killedAt = performance.now();
    await engine.kill9();
    restarts.push(await engine.start());
    const recovered = await untilAckedPast(writer, acked);
    if (Number.isFinite(recovered)) recoveries.push(performance.now() - killedAt);
    else unrecovered.push(label);
    events.push(label);
    await sleep(1500 + random.int(0, 1500));
  };

  const stall = stalledClient(engine.url, settings.token, 12_000);
  for (let i = 0; i < settings.kill.randomKills; i++) {
    await kill('kill -9 at a random moment', () => sleep(random.int(200, 2500)));
    if (i < settings.kill.clientDrops) {
      writer.say('drop');
      events.push('abrupt client disconnect');
      await sleep(1000 + random.int(0, 1000));
    }
  }
  let commitTimed = false;
  await kill('kill -9 during a commit', async () => {
    commitTimed = await untilWalWrites(walPath, 2000);
  });
  // The shutdown checkpoint: SIGTERM starts the drain, flush and checkpoint; SIGKILL lands in it.
  await kill('kill -9 during the shutdown checkpoint', async () => {
    engine.signal('SIGTERM');
    await sleep(random.int(20, 150));
  });
  // The AddOn killed mid-order: its journal holds what it handled; a new process resumes the session.
  const beforeKill = latest(orderClient)?.orders ?? 0;
  orderClient.child.kill('SIGKILL');
  await orderClient.report.catch(() => undefined);
  events.push(`order client killed after ${String(beforeKill)} orders`);
  orderClient = startScript<WriterReport>(
    'writer-process.ts',
    { ...orderOptions, rate: 0, resume: true },
    settings.token,
  );
  const stalled = await stall;
  await sleep(3000);

  writer.say('stop');
  orderClient.say('stop');
  const writerReport = await writer.report.catch(() => undefined);
  const orderReport = await orderClient.report.catch(() => undefined);
  const alive = engine.running;
  await engine.stop();

  const writerJournalAudit = auditJournal(
    existsSync(writerJournal) ? readFileSync(writerJournal, 'utf8') : '',
  );
  const orderJournalAudit = auditJournal(existsSync(orderJournal) ? readFileSync(orderJournal, 'utf8') : '');
  const sessionId = writerReport?.sessionId ?? '';
  const audit = sessionId
    ? await auditSession(engine.storePath, sessionId, writerReport?.acked ?? 0)
    : undefined;
  const submittedTwice = writerJournalAudit.submittedTwice + orderJournalAudit.submittedTwice;

  return [
    figure(S, 'events', `${String(events.length)}: ${summarise(events)}`),
    figure(
      S,
      'writer: sent, acked',
      writerReport
        ? `${writerReport.sent.toLocaleString('en-US')}, ${writerReport.acked.toLocaleString('en-US')}`
        : '-',
    ),
    check(S, 'writer messages never acked', writerReport?.unacked ?? -1, '= 0', writerReport?.unacked === 0),
    check(
      S,
      'acked messages lost (not in the store)',
      audit?.ackedMissing ?? -1,
      '= 0',
      audit?.ackedMissing === 0,
    ),
    check(
      S,
      'acked messages duplicated in the store',
      audit?.duplicated ?? -1,
      '= 0',
      audit?.duplicated === 0,
    ),
    check(S, 'orders sent twice (one signal, two order ids)', submittedTwice, '= 0', submittedTwice === 0),
    figure(
      S,
      'orders submitted, redelivered after restarts (same id, dropped by the client)',
      `${String(writerJournalAudit.submitted + orderJournalAudit.submitted)}, ${String(writerJournalAudit.redelivered + orderJournalAudit.redelivered)}`,
    ),
    figure(S, 'writer sessions (one, resumed throughout)', writerJournalAudit.sessions.length),
    check(S, 'kills the engine did not recover from', unrecovered.length, '= 0', unrecovered.length === 0),
    figure(
      S,
      'engine restart (spawn → listening), median / max',
      `${(median(restarts) / 1000).toFixed(2)} / ${(Math.max(...restarts) / 1000).toFixed(2)} s`,
    ),
    figure(
      S,
      'time to recover (kill → writer acked again), median / max',
      recoveries.length
        ? `${(median(recoveries) / 1000).toFixed(2)} / ${(Math.max(...recoveries) / 1000).toFixed(2)} s`
        : '-',
    ),
    figure(
      S,
      'kill timed on a commit (WAL write seen)',
      commitTimed ? 'yes' : 'no (killed when the wait ran out)',
    ),
    figure(
      S,
      'stalled client',
      stalled.closedByEngine
        ? `cut by the engine (close ${String(stalled.code)})`
        : 'still connected after 12 s',
    ),
    check(
      S,
      'stalled client cut by the engine',
      stalled.closedByEngine ? 'yes' : 'no',
      'yes',
      stalled.closedByEngine,
    ),
    figure(
      S,
      'order client after restart: orders, duplicates dropped',
      orderReport ? `${String(orderReport.orders)}, ${String(orderReport.duplicateCommands)}` : '-',
    ),
    check(
      S,
      'engine alive at the end',
      alive ? 'yes' : 'no',
      'yes',
      alive && engine.unexpectedExits.length === 0,
    ),
  ];
}

function summarise(events: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const event of events) {
    const key = event.replace(/ after \d+ orders$/, '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([event, n]) => `${event} ×${String(n)}`).join('; ');
}
