import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN_ENV, readGatewayToken, type GatewayConfig } from '../../config/index.js';
import type { Command } from '../command.js';
import {
  parseDurationFlag,
  parseListenFlag,
  parseLogLevelFlag,
  loadConfigOrPrintIssues,
  runPipelineCommand,
} from '../run-pipeline.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run pipelines live, trading the accounts of enigma.yaml (one paper account without it).',
  usage: `enigma run [pipeline.yaml ...] [options]

  --config <file>     engine configuration: accounts, gateway, store, data directory, pipelines
                      (default ./enigma.yaml when it exists; without one, one paper account
                      SIM-50K on the Apex-style 50K evaluation, in auto). With no pipeline named,
                      runs the config's \`pipelines\`. The flags below override the config.
  --duration <time>   stop after this long: seconds (10) or 90s, 5m
  --data-dir <dir>    where sinks, halts and proposals go (default: the config's dataDir, else ./data)
  --start <time>      play the simulated market's session from this ISO 8601 time instead of now
                      (a time outside 09:30-16:00 New York on a weekday plays the latest weekday
                      session before it: a Saturday plays Friday's)
  --no-wasm           compute features with the TypeScript reference instead of WebAssembly
  --no-trading        no risk engine, orders or brokers (signals only)
  --store <file>      keep every tick, signal, order, fill and risk event in this DuckDB file
                      (default: the config's store, else <data-dir>/enigma.duckdb)
  --no-store          keep no history
  --quiet             no live status line
  --log-level <level> what <data-dir>/logs/engine.log keeps: fatal, error, warn, info (default),
                      debug, trace or silent; the terminal shows warnings and errors (the
                      config's log.terminalLevel)
  --listen host:port  serve the NinjaTrader gateway (ws://host:port/v1/stream) here instead of the
                      config's gateway.listen; the AddOn presents a token of role addon
                      (enigma token) or the one in the environment variable or file the config
                      names (default ENIGMA_TOKEN), at least 16 characters; port 0 picks a free
                      one and the engine prints 'listening http://host:port' on standard output.
                      The first run with no admin token prints a new one once, before that line`,
  run: async (args) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        duration: { type: 'string' },
        start: { type: 'string' },
        'data-dir': { type: 'string' },
        'no-wasm': { type: 'boolean', default: false },
        'no-trading': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        listen: { type: 'string' },
        store: { type: 'string' },
        'no-store': { type: 'boolean', default: false },
      },
    });
    const config = loadConfigOrPrintIssues(values.config);
    if (!config) return 1;
    const pipelines = positionals.length > 0 ? positionals : config.pipelines;
    if (pipelines.length === 0) {
      process.stderr.write(
        `name a pipeline, or list them under \`pipelines\` in enigma.yaml\nusage: ${runCommand.usage}\n`,
      );
      return 2;
    }
    const dataDir = values['data-dir'] ?? config.dataDir ?? 'data';
    const configStore = config.store === false ? undefined : (config.store ?? join(dataDir, 'enigma.duckdb'));
    const storePath = values['no-store'] ? undefined : (values.store ?? configStore);
    const address = values.listen !== undefined ? parseListenFlag(values.listen) : config.gateway?.listen;
    const logLevel = values['log-level'] !== undefined ? parseLogLevelFlag(values['log-level']) : undefined;
    return runPipelineCommand({
      pipelines,
      mode: 'live',
      dataDir,
      wasm: !values['no-wasm'],
      trading: !values['no-trading'],
      accounts: config.accounts,
      quiet: values.quiet,
      ...(values.duration !== undefined && { durationMs: parseDurationFlag(values.duration) }),
      ...(values.start !== undefined && { start: values.start }),
      ...(address && { listen: { ...address, ...configuredToken(config.gateway?.token) } }),
      ...(storePath !== undefined && { storePath }),
      ...(config.alerts && { alerts: config.alerts }),
      log: { ...config.log, ...(logLevel !== undefined && { level: logLevel }) },
    });
  },
};

/**
 * The gateway's configured token, checked (GATEWAY_NO_TOKEN, GATEWAY_WEAK_TOKEN). None when the
 * default ENIGMA_TOKEN variable is unset: then only the registry's `addon` tokens connect (enigma
 * token create --role addon). A variable or file the config names (tokenEnv, tokenFile) must hold
 * one: naming it says the AddOn uses it.
 */
function configuredToken(source: GatewayConfig['token'] | undefined): { token?: string } {
  const env = source === undefined ? DEFAULT_TOKEN_ENV : 'env' in source ? source.env : undefined;
  if (env === DEFAULT_TOKEN_ENV && process.env[env] === undefined) return {};
  return { token: readGatewayToken(source) };
}
