/**
 * The engine under load, in its own Node process (started by processes.ts): the real Engine with
 * the bench pipeline, the NinjaTrader gateway and, with `--store`, a DuckDB store in a temporary
 * folder whose commits drive the acks (`ackOn: 'stored'`: an ack means the tick is on disk), and,
 * with `--stream`, the live stream (`/api/v1/stream`) for the token in ENIGMA_STREAM_TOKEN.
 * Prints `listening <url>` once ready, as `enigma run --listen` does; on SIGTERM prints
 * `stats <json>` (gateway and store counters) and exits. Asked `cpu` over IPC, it answers with
 * its CPU time so far (every thread: the store's and V8's too), so a step's cost can be read. With `--bare`, the bare engine
 * (bare-engine.ts) instead: the floor the real one is compared with. With `--dashboard`, the
 * engine as `enigma run --listen` builds it (dashboard-engine.ts): the API, the dashboard and the
 * stream on the gateway's port, tokens from the registry in `--data-dir`.
 *
 *   ENIGMA_TOKEN=... tsx bench/e2e/engine-process.ts --connections 1 [--store | --bare] [--stream]
 *   ENIGMA_TOKEN=... tsx bench/e2e/engine-process.ts --connections 1 --dashboard --data-dir <dir>
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine, preparePipeline } from '../../src/engine.js';
import { attachGateway } from '../../src/gateway/attach-gateway.js';
import { attachStream, type StreamHandle } from '../../src/server/stream/index.js';
import { Store } from '../../src/store/store.js';
import { startBareEngine } from './bare-engine.js';
import { benchPipelineYaml } from './bench-pipeline.js';
import { startDashboardEngine } from './dashboard-engine.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '1' },
    store: { type: 'boolean', default: false },
    bare: { type: 'boolean', default: false },
    stream: { type: 'boolean', default: false },
    dashboard: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  },
});
const token = process.env['ENIGMA_TOKEN'];
if (token === undefined || token === '') throw new Error('set ENIGMA_TOKEN');

process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
});

if (values.bare) {
  const bare = await startBareEngine(token);
  process.stdout.write(`listening ${bare.url}\n`);
  process.once('SIGTERM', () => {
    void bare.close().then(() => {
      process.stdout.write(`stats ${JSON.stringify({ gateway: bare.received })}\n`);
      process.exit(0);
    });
  });
} else if (values.dashboard) {
  const dataDir = values['data-dir'];
  if (dataDir === undefined) throw new Error('--dashboard needs --data-dir');
  await startDashboardEngine({ token, dataDir, connections: Number(values.connections) });
} else {
  await startEngine(token);
}

async function startEngine(token: string): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'enigma-bench-e2e-'));
  const pipelineFile = join(folder, 'bench-e2e.yaml');
  writeFileSync(pipelineFile, benchPipelineYaml(Number(values.connections)));
  const { compiled } = await preparePipeline(pipelineFile);
  const engine = await Engine.create({ mode: 'live', dataDir: folder, wasm: true });
  const store = values.store ? await Store.open(join(folder, 'bench.duckdb')) : undefined;
  store?.attach(engine.bus);
  engine.add(compiled);
  const attached = await attachGateway(engine.bus, {
    host: '127.0.0.1',
    port: 0,
    token,
    clock: engine.clock,
    ackOn: store ? 'stored' : 'accepted',
    ...(store && {
      isBackpressured: () => !store.writable,
      storedWatermark: (source: string) => store.watermark(source),
    }),
  });
  const stream = values.stream ? startStream(engine, attached.http.server) : undefined;
  engine.start();
  process.stdout.write(`listening ${attached.url}\n`);

  process.once('SIGTERM', () => {
    void (async () => {
      const gateway = attached.gateway.stats();
      const streamed = stream?.stats();
      await stream?.close();
      await attached.close();
      await engine.stop();
      const stored = store?.stats;
      await store?.close();
      rmSync(folder, { recursive: true, force: true });
      process.stdout.write(`stats ${JSON.stringify({ gateway, store: stored, stream: streamed })}\n`);
      process.exit(0);
    })();
  });
}

/** The live stream on the engine's server, for one viewer token; status reads the pipelines' metrics. */
function startStream(engine: Engine, server: Server): StreamHandle {
  const streamToken = process.env['ENIGMA_STREAM_TOKEN'];
  if (streamToken === undefined || streamToken === '') throw new Error('set ENIGMA_STREAM_TOKEN');
  const started = performance.now();
  return attachStream({
    server,
    bus: engine.bus,
    authenticate: (presented) => (presented === streamToken ? { name: 'bench', role: 'viewer' } : undefined),
    snapshots: (topic) =>
      topic === 'status'
        ? { uptimeMs: Math.round(performance.now() - started), pipelines: engine.metrics() }
        : [],
  });
}
