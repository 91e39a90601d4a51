/**
 * The well-behaved client, in its own process (started by fuzz.ts): one connection speaking
 * protocol v1 properly, sending ticks at a steady rate (open loop, as bench/e2e's generator) on
 * instruments the fuzzer never uses, and timing tick → stored-ack per phase. The parent writes
 * `phase <name>` lines on standard input to start a phase and `stop` to end; the process then
 * waits for the last acks and prints `report <json>` (HealthyReport).
 *
 *   ENIGMA_TOKEN=... tsx bench/chaos/healthy-process.ts '{"url":"http://127.0.0.1:8686","rate":1000}'
 */
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { LatencyHistogram, type Percentiles } from '../e2e/latency-histogram.js';
import { ackFrame, connectionPlan, helloFrame, tickMessage, MAX_CONNECTIONS } from '../e2e/wire.js';

export interface HealthyReport {
  readonly sent: number;
  readonly acked: number;
  /** Closes the client did not ask for (with their codes). */
  readonly disconnects: readonly number[];
  readonly errors: Readonly<Record<string, number>>;
  readonly phases: Readonly<Record<string, Percentiles>>;
}

// The parent gone (its pipe closed): nothing to report to.
process.stdout.on('error', () => process.exit(0));
const { url, rate } = JSON.parse(process.argv[2] ?? '{}') as { url: string; rate: number };
const token = process.env['ENIGMA_TOKEN'] ?? '';
// The last connection plan's months (09-28) are never in the fuzzer's symbol pool.
const plan = connectionPlan(MAX_CONNECTIONS - 1);
const base = Math.floor(Date.now() * 1000);
const target = new URL(url);
target.protocol = 'ws:';
target.pathname = '/v1/stream';
const socket = new WebSocket(target, {
  headers: { Authorization: `Bearer ${token}` },
  perMessageDeflate: false,
});
const disconnects: number[] = [];
const errors: Record<string, number> = {};
const histograms = new Map<string, LatencyHistogram>();
let phase = 'before';
let stopping = false;
let sent = 0;
let acked = 0;
let intended = new Float64Array(1 << 16);
/** The phase each seq was sent in (index into phaseNames). */
let phaseOf = new Uint8Array(1 << 16);
const phaseNames: string[] = [phase];

function histogram(name: string): LatencyHistogram {
  let found = histograms.get(name);
  if (!found) {
    found = new LatencyHistogram();
    histograms.set(name, found);
  }
  return found;
}

function onAck(lastSeq: number): void {
  const now = performance.now();
  for (let seq = acked + 1; seq <= Math.min(lastSeq, sent); seq++) {
    histogram(phaseNames[phaseOf[seq] as number] as string).record((now - (intended[seq] as number)) * 1000);
  }
  acked = Math.max(acked, Math.min(lastSeq, sent));
}

await new Promise<void>((resolve, reject) => {
  socket.once('open', () => socket.send(helloFrame(plan.account, base)));
  socket.once('error', reject);
  socket.on('message', (data: Buffer) => {
    const parsed = JSON.parse(data.toString()) as unknown;
    for (const message of (Array.isArray(parsed) ? parsed : [parsed]) as {
      type: string;
      last_seq?: number;
      code?: string;
      seq: number;
    }[]) {
      if (message.type === 'welcome') resolve();
      else if (message.type === 'ack') onAck(message.last_seq ?? 0);
      else if (message.type === 'error') errors[message.code ?? '?'] = (errors[message.code ?? '?'] ?? 0) + 1;
      else if (message.seq > 0) socket.send(ackFrame(message.seq, base));
    }
  });
  socket.on('close', (code) => {
    if (!stopping) disconnects.push(code);
  });
});

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('phase ')) {
    phase = line.slice('phase '.length).trim();
    if (!phaseNames.includes(phase)) phaseNames.push(phase);
  } else if (line.trim() === 'stop') stopping = true;
});

// Open loop: tick `g` is due at start + g / rate, sent as one batch per event-loop turn.
const started = performance.now();
let phaseStart = sent;
let phaseStartAt = started;
let lastPhase = phase;
while (!stopping && disconnects.length === 0) {
  const now = performance.now();
  if (phase !== lastPhase) {
    lastPhase = phase;
    phaseStart = sent;
    phaseStartAt = now;
  }
  const due = phaseStart + Math.floor(((now - phaseStartAt) * rate) / 1000);
  const batch: string[] = [];
  const index = phaseNames.indexOf(phase);
  for (; sent < due && batch.length < 1000;) {
    sent += 1;
    if (sent >= intended.length) {
      const bigger = new Float64Array(intended.length * 2);
      bigger.set(intended);
      intended = bigger;
      const phases = new Uint8Array(phaseOf.length * 2);
      phases.set(phaseOf);
      phaseOf = phases;
    }
    intended[sent] = phaseStartAt + ((sent - phaseStart) * 1000) / rate;
    phaseOf[sent] = index;
    batch.push(tickMessage(sent, base + sent, plan));
  }
  if (batch.length > 0) socket.send(`[${batch.join(',')}]`);
  await new Promise((resolve) => setTimeout(resolve, 1));
}
const drainUntil = performance.now() + 15_000;
while (acked < sent && performance.now() < drainUntil && disconnects.length === 0) {
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const report: HealthyReport = {
  sent,
  acked,
  disconnects,
  errors,
  phases: Object.fromEntries([...histograms].map(([name, h]) => [name, h.summary()])),
};
socket.close(1000);
process.stdout.write(`report ${JSON.stringify(report)}\n`);
process.exit(0);
