import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, preparePipeline } from '../../src/engine.js';
import { benchPipelineYaml } from './bench-pipeline.js';

export interface DashboardEngineOptions {
  /** The gateway's token (the load generator presents it). */
  readonly token: string;
  /** Holds the token registry (the dashboard's tokens are made there first), the store and the pipeline. */
  readonly dataDir: string;
  readonly connections: number;
}

/**
 * The engine a dashboard talks to, in the bench's engine process: `Engine.create` with `listen`,
 * as `enigma run --listen` builds it (gateway, REST API, dashboard, live stream, token registry
 * on one port), a DuckDB store that drives the acks, paper trading on the default account (the
 * Overview's card) and the bench pipeline (signals back as orders). Prints `listening <url>`; on
 * SIGTERM prints `stats <json>` (gateway, store and stream counters) and exits.
 */
export async function startDashboardEngine(options: DashboardEngineOptions): Promise<void> {
  const pipelineFile = join(options.dataDir, 'bench-e2e.yaml');
  writeFileSync(pipelineFile, benchPipelineYaml(options.connections));
  const { compiled } = await preparePipeline(pipelineFile);
  const engine = await Engine.create({
    mode: 'live',
    dataDir: options.dataDir,
    wasm: true,
    trading: { watchHaltFile: false },
    storePath: join(options.dataDir, 'bench.duckdb'),
    listen: { host: '127.0.0.1', port: 0, token: options.token },
  });
  engine.add(compiled);
  engine.start();
  const gateway = engine.gateway;
  if (!gateway) throw new Error('the engine did not listen');
  process.stdout.write(`listening ${gateway.http.url}\n`);

  process.once('SIGTERM', () => {
    void (async () => {
      const stats = {
        gateway: gateway.gateway.stats(),
        stream: engine.stream?.stats(),
        store: engine.store?.stats,
      };
      await engine.stop();
      process.stdout.write(`stats ${JSON.stringify(stats)}\n`);
      process.exit(0);
    })();
  });
}
