/**
 * A durable client, in its own process (started by kill-matrix.ts and disk.ts): the Node client
 * (src/gateway/client.ts) with reconnect and resume, sending ticks and signals at a steady rate,
 * as the AddOn does. Every order it handles is appended to a journal file before it is acked (the
 * AddOn's durable record), with the session and the last engine seq, so a process started after
 * this one is killed can resume the session where it left off.
 *
 * Lines on standard input: `drop` (cut the connection abruptly; the client reconnects and resumes),
 * `stop` (stop sending, wait for the last acks, print the report). Standard output: `progress
 * <json>` four times a second, `report <json>` at the end (WriterReport).
 *
 *   ENIGMA_TOKEN=... tsx bench/chaos/writer-process.ts '{"url":"http://127.0.0.1:8686","rate":10000,...}'
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { GatewayClient, type EngineCommand } from '../../src/gateway/client.js';
import { signalSymbol } from './pipeline.js';

export interface WriterOptions {
  readonly url: string;
  /** Messages per second (0: send nothing, only receive: a restarted order client). */
  readonly rate: number;
  /** Writer index: its account is `CHAOS<index>`, its signals trade `signalSymbol(index)`. */
  readonly index: number;
  /** One message in `signalEvery` is a signal (0: none). */
  readonly signalEvery: number;
  /** Journal file (one line per handled order, and the session). */
  readonly journal: string;
  /** How long to wait for the last acks after `stop` (default 30 s). */
  readonly drainMs?: number;
  /** Continue the session in the journal (a restarted client). */
  readonly resume?: boolean;
}

export interface WriterProgress {
  readonly sent: number;
  readonly acked: number;
  readonly connected: boolean;
  readonly sessionId: string | undefined;
  readonly orders: number;
  readonly errors: number;
}

export interface WriterReport extends WriterProgress {
  /** Messages never acknowledged (the client gave up waiting after the stop). */
  readonly unacked: number;
  readonly connections: number;
  readonly disconnects: Readonly<Record<string, number>>;
  readonly errorCodes: Readonly<Record<string, number>>;
  /** Engine commands dropped by the client as already handled (same seq). */
  readonly duplicateCommands: number;
}

// The parent gone (its pipe closed): nothing to report to.
process.stdout.on('error', () => process.exit(0));
const options = JSON.parse(process.argv[2] ?? '{}') as WriterOptions;
const token = process.env['ENIGMA_TOKEN'] ?? '';
const account = `CHAOS${String(options.index)}`;
const month = signalSymbol(options.index).slice(3);
const symbols = [`ES ${month}`, `CL ${month}`];
const errorCodes: Record<string, number> = {};
const disconnects: Record<string, number> = {};
let errors = 0;
let orders = 0;

const client = new GatewayClient({
  url: options.url,
  token,
  name: 'enigma-chaos-writer',
  accounts: [account],
  minBackoffMs: 50,
  maxBackoffMs: 500,
  maxUnacked: 400_000,
  onCommand: (command: EngineCommand) => {
    if (command.type === 'order') {
      orders += 1;
      appendFileSync(
        options.journal,
        `order ${command.client_order_id} ${String(command.signal_ts ?? 0)} ${String(command.seq)}\n`,
      );
    }
  },
  onWelcome: (welcome) => appendFileSync(options.journal, `session ${welcome.session_id}\n`),
  onError: (error) => {
    errors += 1;
    errorCodes[error.code] = (errorCodes[error.code] ?? 0) + 1;
  },
  onDisconnect: (code) => {
    disconnects[String(code)] = (disconnects[String(code)] ?? 0) + 1;
  },
});
if (options.resume && existsSync(options.journal)) {
  const lines = readFileSync(options.journal, 'utf8').split('\n');
  const session = lines.filter((line) => line.startsWith('session ')).at(-1);
  const lastOrder = lines.filter((line) => line.startsWith('order ')).at(-1);
  if (session) client.sessionId = session.slice('session '.length);
  if (lastOrder) client.lastEngineSeq = Number(lastOrder.split(' ')[3]);
}

let stopping = false;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'drop') client.dropConnection();
  if (line.trim() === 'stop') stopping = true;
});
const progress = (): WriterProgress => ({
  sent: sent,
  acked: client.ackedSeq,
  connected: client.connected,
  sessionId: client.sessionId,
  orders,
  errors,
});
let sent = 0;
const timer = setInterval(() => process.stdout.write(`progress ${JSON.stringify(progress())}\n`), 250);

await client.connect();
const base = Date.now() * 1000;
const started = performance.now();
while (!stopping && options.rate > 0) {
  const due = Math.floor(((performance.now() - started) * options.rate) / 1000);
  for (; sent < due;) {
    sent += 1;
    const ts = base + sent;
    if (options.signalEvery > 0 && sent % options.signalEvery === 0) {
      client.send({
        type: 'signal',
        ts,
        source: 'enigma',
        symbol: signalSymbol(options.index),
        direction: sent % 2 === 0 ? 'long' : 'short',
        strength: 'normal',
        power: 5,
        confluence: 2,
        price: 21_000,
      });
    } else {
      const price = 6000 + (sent % 40) * 0.25;
      client.send({
        type: 'tick',
        ts,
        symbol: symbols[sent % 2] as string,
        price: sent % 2 === 0 ? price : 70 + (sent % 40) * 0.01,
        size: 1 + (sent % 5),
        bid: sent % 2 === 0 ? price - 0.25 : 70 + (sent % 40) * 0.01 - 0.01,
        ask: sent % 2 === 0 ? price : 70 + (sent % 40) * 0.01,
        side: sent % 2 === 0 ? 'buy' : 'sell',
      });
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 2));
}
// Wait for the last acks (bounded), then report.
const until = performance.now() + (options.drainMs ?? 30_000);
while (client.ackedSeq < sent && performance.now() < until)
  await new Promise((resolve) => setTimeout(resolve, 20));
if (options.rate === 0) await new Promise((resolve) => setTimeout(resolve, 2000));
clearInterval(timer);
const report: WriterReport = {
  ...progress(),
  unacked: sent - client.ackedSeq,
  connections: client.connections,
  disconnects,
  errorCodes,
  duplicateCommands: client.duplicateCommands,
};
await client.close();
process.stdout.write(`report ${JSON.stringify(report)}\n`);
process.exit(0);
