/**
 * The NinjaTrader link (docs/protocol.md): how many messages one connection pushes into the
 * engine, and tick → ack and signal → order round trips at 10,000 msg/s, each beside a bare `ws`
 * server that speaks just enough of the protocol (welcome, ack, an order per signal) with no
 * validation, sessions or pipeline: the ratio is what the gateway's work costs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as hdr from 'hdr-histogram-js';
import { WebSocketServer } from 'ws';
import { MessageBus } from '../../src/bus/bus.js';
import { LiveClock } from '../../src/core/clock.js';
import { preparePipeline } from '../../src/engine.js';
import { attachGateway } from '../../src/gateway/attach-gateway.js';
import { GatewayClient, type GatewayClientOptions, type OutgoingMessage } from '../../src/gateway/client.js';
import { instantiatePipeline, type PipelineRun } from '../../src/pipeline/runtime.js';
import { Store } from '../../src/store/store.js';
import type { Suite } from '../suite.js';

const TOKEN = 'bench-token-not-a-secret';
const BASE_TS = 1_790_000_000_000_000;
const RATE = 10_000;
const FIXTURE = fileURLToPath(
  new URL('../../test/fixtures/pipelines/gateway-roundtrip.yaml', import.meta.url),
);

interface Endpoint {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The real engine edge: HTTP server, gateway and the gateway-roundtrip pipeline on one bus; with
 * `store`, a DuckDB store in a temporary folder and acks once rows are committed.
 */
async function startEngine(withStore = false): Promise<Endpoint> {
  const bus = new MessageBus();
  const folder = withStore ? mkdtempSync(join(tmpdir(), 'enigma-bench-gateway-')) : undefined;
  const store = folder === undefined ? undefined : await Store.open(join(folder, 'bench.duckdb'));
  store?.attach(bus);
  const clock = new LiveClock();
  const { compiled } = await preparePipeline(FIXTURE);
  const run: PipelineRun = instantiatePipeline(compiled, { clock, bus, mode: 'live', dataDir: 'data' });
  run.start();
  const attached = await attachGateway(bus, {
    port: 0,
    token: TOKEN,
    clock,
    maxMessagesPerSecond: 100_000_000,
    ackOn: store ? 'stored' : 'accepted',
  });
  return {
    url: attached.url,
    async close() {
      run.stop();
      await run.done;
      await attached.close();
      await store?.close();
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A bare ws server: parses each frame, welcomes, acks the highest seq, answers signals with orders. */
async function startBareServer(): Promise<Endpoint> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, path: '/v1/stream', perMessageDeflate: false });
  wss.on('connection', (socket) => {
    let outSeq = 0;
    socket.on('message', (data) => {
      const value = JSON.parse(data.toString()) as {
        type: string;
        seq: number;
        ts: number;
        direction?: string;
      }[];
      const messages = Array.isArray(value) ? value : [value];
      const replies: string[] = [];
      let highest = 0;
      for (const message of messages) {
        if (message.type === 'hello') {
          replies.push(
            JSON.stringify({
              type: 'welcome',
              seq: 0,
              ts: 0,
              protocol: 1,
              session_id: 'bare',
              resumed: false,
              last_seq: 0,
              server: { name: 'bare', version: '0' },
              heartbeat_ms: 5000,
              max_payload: 262_144,
            }),
          );
        } else if (message.seq > 0) {
          highest = message.seq;
          if (message.type === 'signal') {
            outSeq += 1;
            replies.push(
              JSON.stringify({
                type: 'order',
                seq: outSeq,
                ts: 0,
                client_order_id: `bare-${String(message.ts)}`,
                account: 'Sim101',
                symbol: 'NQ 12-26',
                side: message.direction === 'long' ? 'buy' : 'sell',
                quantity: 1,
                order_type: 'market',
                time_in_force: 'day',
                signal_ts: message.ts,
                reason: 'bare',
              }),
            );
          }
        }
      }
      if (highest > 0) replies.push(JSON.stringify({ type: 'ack', seq: 0, ts: 0, last_seq: highest }));
      if (replies.length > 0)
        socket.send(replies.length === 1 ? (replies[0] as string) : `[${replies.join(',')}]`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every run sends later timestamps than the one before: the gateway refuses time going backwards. */
let runBaseTs = BASE_TS;
function nextRunBase(): number {
  runBaseTs += 10_000_000_000;
  return runBaseTs;
}

function tickAt(i: number, base: number): OutgoingMessage {
  return {
    type: 'tick',
    ts: base + i,
    symbol: 'NQ 12-26',
    price: 21000 + (i % 40) * 0.25,
    size: 1 + (i % 5),
    bid: 20999.75 + (i % 40) * 0.25,
    ask: 21000 + (i % 40) * 0.25,
    side: i % 2 === 0 ? 'buy' : 'sell',
  };
}

function signalAt(i: number, base: number): OutgoingMessage {
  return {
    type: 'signal',
    ts: base + i,
    source: 'enigma',
    symbol: 'NQ 12-26',
    direction: i % 2 === 0 ? 'long' : 'short',
    strength: 'normal',
    power: 5,
    confluence: 2,
    price: 21000,
  };
}

type EndpointRole = 'engine' | 'engine-with-store' | 'bare';
const ROLE_VARIABLE = 'ENIGMA_BENCH_GATEWAY_ROLE';

/**
 * Starts an endpoint in its own Node process (this file, run with the role in the environment),
 * as the AddOn and the engine are separate processes: the load generator's work and garbage
 * collection do not land in the engine's figures.
 */
async function startEndpointProcess(role: EndpointRole): Promise<Endpoint> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, [ROLE_VARIABLE]: role },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`bench ${role} process exited with ${String(code)}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function startEndpoint(role: EndpointRole): Promise<Endpoint> {
  return role === 'bare' ? startBareServer() : startEngine(role === 'engine-with-store');
}

const role = process.env[ROLE_VARIABLE] as EndpointRole | undefined;
if (role !== undefined) {
  const endpoint = await startEndpoint(role);
  process.stdout.write(`listening ${endpoint.url}\n`);
  process.once('SIGTERM', () => {
    void endpoint.close().then(() => process.exit(0));
  });
}

const sleepOneMillisecond = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function connect(
  endpoint: Endpoint,
  options: Partial<GatewayClientOptions> = {},
): Promise<GatewayClient> {
  const client = new GatewayClient({
    url: endpoint.url,
    token: TOKEN,
    accounts: ['Sim101'],
    reconnect: false,
    ...options,
  });
  await client.connect();
  return client;
}

/** Messages per second one connection pushes in, from the first send to the last ack. */
async function throughput(endpoint: Endpoint, count: number, maxFrameBytes: number): Promise<number> {
  const client = await connect(endpoint, { maxFrameBytes });
  const base = nextRunBase();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    client.send(tickAt(i, base));
    if (i % 2000 === 1999) {
      await yieldTurn();
      await client.drained();
    }
  }
  await client.acknowledged();
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  return count / seconds;
}

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
}

/** Sends `make(i)` at RATE per second for `seconds`; `track` records each round trip in µs. */
async function paced(
  endpoint: Endpoint,
  seconds: number,
  make: (i: number, base: number) => OutgoingMessage,
  onReply: 'ack' | 'order',
): Promise<Latency> {
  const total = RATE * seconds;
  const base = nextRunBase();
  const sentAt = new Float64Array(total);
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  let acked = 0;
  let replies = 0;
  const client = await connect(endpoint, {
    onAck: (lastSeq) => {
      if (onReply !== 'ack') return;
      const now = performance.now();
      for (let seq = acked + 1; seq <= lastSeq; seq++)
        histogram.recordValue(Math.round((now - (sentAt[seq - 1] as number)) * 1000));
      acked = lastSeq;
    },
    onCommand: (command) => {
      if (onReply !== 'order' || command.type !== 'order' || command.signal_ts === undefined) return;
      replies += 1;
      histogram.recordValue(
        Math.round((performance.now() - (sentAt[command.signal_ts - base] as number)) * 1000),
      );
    },
  });
  const started = performance.now();
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * RATE) / 1000));
    for (; i < due; i++) {
      sentAt[i] = performance.now();
      client.send(make(i, base));
    }
    // A timer, not a busy loop: the load generator leaves the CPU to the engine between sends,
    // and what falls due in one millisecond goes out together, as a NinjaTrader feed would.
    await sleepOneMillisecond();
  }
  await client.acknowledged();
  while (onReply === 'order' && replies < total) await sleepOneMillisecond();
  await client.close();
  const result = {
    p50: histogram.getValueAtPercentile(50),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
  };
  histogram.destroy();
  return result;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const gatewaySuite: Suite = async ({ quick }) => {
  // Three runs even when quick: a 1 s latency run's p99 is its 10th-worst signal, one stall from 3× off.
  const runs = quick ? 3 : 5;
  const count = quick ? 100_000 : 500_000;
  const seconds = quick ? 1 : 3;
  const loadAtStart = loadavg()[0] ?? 0;
  const engine = await startEndpointProcess('engine');
  const storing = await startEndpointProcess('engine-with-store');
  const bare = await startEndpointProcess('bare');
  const samples = new Map<string, { gateway: number[]; bare: number[] }>();
  const record = (measure: string, side: 'gateway' | 'bare', value: number) => {
    const entry = samples.get(measure) ?? { gateway: [], bare: [] };
    entry[side].push(value);
    samples.set(measure, entry);
  };
  try {
    // Warm-up of every path (JIT, lazily built code, sockets), not recorded.
    for (const endpoint of [engine, storing, bare]) {
      await throughput(endpoint, 50_000, 65_536);
      await paced(endpoint, 1, tickAt, 'ack');
      await paced(endpoint, 1, signalAt, 'order');
    }
    for (let run = 0; run < runs; run++) {
      for (const [side, endpoint] of [
        ['gateway', engine],
        ['bare', bare],
      ] as const) {
        record('msg/s in, one connection, batch frames', side, await throughput(endpoint, count, 65_536));
        record(
          'msg/s in, one connection, one frame per message',
          side,
          await throughput(endpoint, count / 4, 1),
        );
        const ack = await paced(endpoint, seconds, tickAt, 'ack');
        record('tick → ack p50 µs at 10,000 msg/s (ack on acceptance)', side, ack.p50);
        record('tick → ack p99 µs at 10,000 msg/s (ack on acceptance)', side, ack.p99);
        const stored = side === 'gateway' ? await paced(storing, seconds, tickAt, 'ack') : ack;
        record('tick → ack p50 µs at 10,000 msg/s (ack once stored in DuckDB)', side, stored.p50);
        record('tick → ack p99 µs at 10,000 msg/s (ack once stored in DuckDB)', side, stored.p99);
        const order = await paced(endpoint, seconds, signalAt, 'order');
        record('signal → order p50 µs at 10,000 msg/s', side, order.p50);
        record('signal → order p99 µs at 10,000 msg/s', side, order.p99);
        record('signal → order p99.9 µs at 10,000 msg/s', side, order.p999);
      }
    }
  } finally {
    await engine.close();
    await storing.close();
    await bare.close();
  }
  const medians = new Map(
    [...samples].map(([measure, { gateway, bare: baseline }]) => [
      measure,
      { gateway: median(gateway), bare: median(baseline) },
    ]),
  );
  const rows = [...medians].map(([measure, { gateway, bare: baseline }]) => ({
    measure,
    'enigma gateway': Math.round(gateway),
    'bare ws': Math.round(baseline),
    'gateway / bare': Number((gateway / baseline).toFixed(2)),
  }));
  const figure = (measure: string) => Math.round(medians.get(measure)?.gateway ?? Number.NaN);
  return {
    name: 'gateway: NinjaTrader link (one connection, loopback)',
    rows,
    figures: {
      'gateway.ingestMessagesPerSecond': figure('msg/s in, one connection, batch frames'),
      'gateway.signalToOrderP99Micros': figure('signal → order p99 µs at 10,000 msg/s'),
      'gateway.signalToOrderP999Micros': figure('signal → order p99.9 µs at 10,000 msg/s'),
      'gateway.tickToAckP99Micros': figure('tick → ack p99 µs at 10,000 msg/s (ack once stored in DuckDB)'),
    },
    notes: [
      `median of ${String(runs)} run(s); ${String(count)} ticks per throughput run, ${String(seconds)} s per latency run`,
      'the load generator (GatewayClient) runs in this process, each server in its own Node process, over loopback',
      'gateway: validation (Ajv), sessions, edge envelopes, bus, the gateway-roundtrip pipeline; bare ws: JSON.parse and reply only',
      'the stored-ack rows compare the store-backed gateway with the bare server acking on receipt',
      'latencies from send() to the ack / order arriving at the client, recorded in HDR histograms',
      `load average ${loadAtStart.toFixed(1)} on ${String(cpus().length)} cores when the suite started: latency tails need a quiet machine`,
    ],
  };
};

export default gatewaySuite;
