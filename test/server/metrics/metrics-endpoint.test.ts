import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import type { Fill } from '../../../src/core/events.js';
import { Engine } from '../../../src/engine.js';
import { GatewayClient } from '../../../src/gateway/client.js';
import { createRegistry } from '../../../src/operators/index.js';
import { checkPipeline } from '../../../src/pipeline/compile.js';
import { parsePipelineYaml } from '../../../src/pipeline/load.js';
import type { PipelineRun } from '../../../src/pipeline/runtime.js';
import { loadRuleProfile } from '../../../src/risk/load-rule-profile.js';
import type { OrderDenied } from '../../../src/risk/risk-events.js';
import type { RuleProfile } from '../../../src/risk/rule-profile.js';
import { TokenRegistry } from '../../../src/server/auth/index.js';

/** Simulated market → signals → Kelly sizing → risk engine → paper broker, two hours at full speed. */
const PIPELINE = `
id: trade
steps:
  - id: market
    op: simulatedMarket
    params: { seed: 7, instruments: [ES 12-26, MNQ 12-26], ticksPerSecond: 20, duration: 2h }
  - id: enigma
    op: simulatedSignals
    from: market
    params: { perMinute: 1, stopTicks: 12 }
  - id: size
    op: kelly
    from: enigma
    params: { account: SIM-50K, fraction: 0.25, riskBudget: 400 }
  - { id: orders, op: publish, from: size, params: { topic: orderIntents } }
  - { id: quotes, op: publish, from: market, params: { topic: ticks } }
`;

/** Apex-style 50K with one order per 90 s, so the run has ORDER_RATE denials as well as fills. */
const PROFILE: RuleProfile = (() => {
  const apex = loadRuleProfile('apex-50k-evaluation');
  return {
    ...apex,
    rules: {
      ...apex.rules,
      orderRate: { maxOrders: 1, per: '90s', source: { kind: 'own', note: 'test: forces denials' } },
    },
  };
})();

const GATEWAY_TOKEN = 'gateway-addon-token-0123456789abcdef';

/** Real registry tokens of the engine under test, one per role (made in its data directory). */
const TOKENS = { viewer: '', admin: '', addon: '' };

type Family = ReturnType<typeof parsePrometheusTextFormat>[number];

/** A scrape: the exposition text and its families as the parser reads them. */
interface Scrape {
  readonly text: string;
  readonly families: Map<string, Family>;
}

async function scrapeText(url: string, token: string): Promise<Scrape> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  return { text, families: new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family])) };
}

async function scrape(url: string, token = TOKENS.viewer): Promise<Map<string, Family>> {
  return (await scrapeText(url, token)).families;
}

/** One series of a histogram: cumulative count per upper bound (ascending), count and sum. */
interface HistogramSeries {
  readonly buckets: readonly (readonly [le: number, count: number])[];
  readonly count: number;
  readonly sum: number;
}

/**
 * One series of a histogram family, read with the same parser from its `_bucket`, `_sum` and
 * `_count` lines without the family's TYPE line: the package folds every labelled series of a
 * histogram into one (it reads only unlabelled histograms), but reads untyped samples with labels.
 */
function histogramSeries(text: string, name: string, labels: string): HistogramSeries {
  const lines = text.split('\n').filter((line) => line.startsWith(`${name}_`) && line.includes(`{${labels}`));
  const parts = new Map(
    parsePrometheusTextFormat(`${lines.join('\n')}\n`).map((family) => [family.name, family.metrics]),
  );
  const only = (suffix: string) => {
    const samples = parts.get(`${name}_${suffix}`) ?? [];
    expect(samples, `${name}_${suffix}{${labels}}`).toHaveLength(1);
    return Number(samples[0]?.value);
  };
  const buckets = (parts.get(`${name}_bucket`) ?? [])
    .map((sample) => {
      const le = sample.labels?.le;
      return [le === '+Inf' ? Infinity : Number(le), Number(sample.value)] as const;
    })
    .sort(([a], [b]) => a - b);
  return { buckets, count: only('count'), sum: only('sum') };
}

/** The value of the one series of `name` whose labels include `labels`. */
function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) throw new Error(`no metric ${name}`);
  const matching = family.metrics.filter((sample) =>
    Object.entries(labels).every(([key, value]) => sample.labels?.[key] === value),
  );
  expect(matching, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return Number(matching[0]?.value);
}

describe('GET /metrics on a trading engine', () => {
  let engine: Engine;
  let run: PipelineRun;
  let url: string;
  let before: Map<string, Family>;
  let after: Map<string, Family>;
  let afterText: string;
  const fills: Fill[] = [];
  const denials: OrderDenied[] = [];

  beforeAll(async () => {
    const checked = checkPipeline(parsePipelineYaml(PIPELINE, 'trade.yaml', '.'), {
      registry: createRegistry(),
      functions: new Map(),
    });
    expect(checked.issues).toEqual([]);
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-metrics-'));
    const registry = TokenRegistry.open(dataDir);
    TOKENS.viewer = registry.create('prometheus', 'viewer').token;
    TOKENS.admin = registry.create('ops', 'admin').token;
    TOKENS.addon = registry.create('ninjatrader', 'addon').token;
    engine = await Engine.create({
      mode: 'replay',
      dataDir,
      wasm: false,
      trading: { watchHaltFile: false, accounts: [{ id: 'SIM-50K', profile: PROFILE, mode: 'auto' }] },
      listen: { host: '127.0.0.1', port: 0, token: GATEWAY_TOKEN },
      storePath: join(dataDir, 'history.duckdb'),
    });
    engine.bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
    engine.bus.observe(TOPICS.orderDenials).subscribe((denial) => denials.push(denial));
    run = engine.add(checked.compiled as NonNullable<typeof checked.compiled>);
    url = (engine.gateway as NonNullable<typeof engine.gateway>).url;
    before = await scrape(url);
    engine.start();
    await run.done;
    ({ text: afterText, families: after } = await scrapeText(url, TOKENS.viewer));
  }, 120_000);

  afterAll(async () => {
    await engine?.finished();
  });

  it('counts every message a step handled, as the run itself counts them', () => {
    expect(valueOf(before, 'enigma_step_messages_in_total', { pipeline: 'trade', step: 'enigma' })).toBe(0);
    const steps = run.metrics().steps;
    const enigma = steps.find((step) => step.step === 'trade.enigma');
    expect(enigma?.in).toBeGreaterThan(1000);
    expect(valueOf(after, 'enigma_step_messages_in_total', { pipeline: 'trade', step: 'enigma' })).toBe(
      enigma?.in,
    );
    expect(valueOf(after, 'enigma_step_messages_out_total', { pipeline: 'trade', step: 'size' })).toBe(
      steps.find((step) => step.step === 'trade.size')?.out,
    );
    expect(valueOf(after, 'enigma_pipeline_source_messages_total', { pipeline: 'trade' })).toBe(
      run.metrics().sourceMessages,
    );
    expect(valueOf(after, 'enigma_step_errors_total', { pipeline: 'trade', step: 'size' })).toBe(0);
  });

  it('exports step latency as a histogram whose buckets resolve microseconds', () => {
    expect(after.get('enigma_step_latency_seconds')?.type).toBe('HISTOGRAM');
    const enigma = histogramSeries(
      afterText,
      'enigma_step_latency_seconds',
      'pipeline="trade",step="enigma"',
    );
    const { buckets } = enigma;
    expect(buckets).toHaveLength(21);
    expect(buckets.map(([le]) => le).slice(0, 4)).toEqual([5e-7, 1e-6, 2e-6, 5e-6]);
    expect(buckets.at(-1)?.[0]).toBe(Infinity);
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]?.[1]).toBeGreaterThanOrEqual(buckets[i - 1]?.[1] as number);
    // Count and +Inf bucket are the timed sample, the same one the HDR percentiles come from.
    const timed = run.metrics().steps.find((step) => step.step === 'trade.enigma')?.timed;
    expect(timed).toBeGreaterThan(256);
    expect(enigma.count).toBe(timed);
    expect(buckets.at(-1)?.[1]).toBe(timed);
    // A simulated-signals step takes microseconds: most samples sit under 100 µs.
    const underHundredMicros = buckets.find(([le]) => le === 1e-4)?.[1] as number;
    expect(underHundredMicros / (timed as number)).toBeGreaterThan(0.5);
    expect(enigma.sum).toBeGreaterThan(0);
    const pipeline = histogramSeries(afterText, 'enigma_pipeline_latency_seconds', 'pipeline="trade"');
    expect(pipeline.count).toBeGreaterThan(0);
  });

  it('counts fills and denials by reason from the bus', () => {
    expect(fills.length).toBeGreaterThan(0);
    expect(denials.length).toBeGreaterThan(0);
    expect(before.get('enigma_fills_total')?.metrics ?? []).toEqual([]);
    expect(valueOf(after, 'enigma_fills_total', { account: 'SIM-50K' })).toBe(fills.length);
    expect(valueOf(after, 'enigma_filled_contracts_total', { account: 'SIM-50K' })).toBe(
      fills.reduce((sum, fill) => sum + fill.quantity, 0),
    );
    expect(valueOf(after, 'enigma_order_denials_total', { account: 'SIM-50K', reason: 'ORDER_RATE' })).toBe(
      denials.filter((denial) => denial.code === 'ORDER_RATE').length,
    );
    expect(valueOf(after, 'enigma_risk_decisions_total', { account: 'SIM-50K', outcome: 'denied' })).toBe(
      denials.length,
    );
    expect(
      valueOf(after, 'enigma_order_updates_total', { account: 'SIM-50K', status: 'filled' }),
    ).toBeGreaterThan(0);
  });

  it("reports each account's equity, drawdown room and trading state as the risk engine has them", () => {
    const trading = engine.trading as NonNullable<typeof engine.trading>;
    const limits = trading.risk.limits('SIM-50K');
    expect(valueOf(after, 'enigma_account_equity', { account: 'SIM-50K' })).toBe(limits?.equity);
    expect(valueOf(after, 'enigma_account_drawdown_room', { account: 'SIM-50K' })).toBe(limits?.drawdownRoom);
    const state = trading.riskState('SIM-50K')?.state;
    expect(valueOf(after, 'enigma_account_state', { account: 'SIM-50K', state: state as string })).toBe(1);
    expect(after.get('enigma_account_state')?.metrics).toHaveLength(3);
  });

  it('reports the store backlog and commit latency', () => {
    expect(after.get('enigma_store_backlog_rows')?.type).toBe('GAUGE');
    expect(valueOf(after, 'enigma_store_rows_accepted_total')).toBeGreaterThan(
      valueOf(before, 'enigma_store_rows_accepted_total'),
    );
    expect(valueOf(after, 'enigma_store_commit_p99_seconds')).toBeGreaterThan(0);
    // prom-client's process metrics, which stock Node.js dashboards read.
    expect(after.has('process_resident_memory_bytes')).toBe(true);
    expect(after.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it("counts an AddOn's connection, session and messages through the gateway", async () => {
    expect(valueOf(before, 'enigma_gateway_sessions')).toBe(0);
    const client = new GatewayClient({ url, token: GATEWAY_TOKEN });
    try {
      await client.connect();
      let ts = 1_764_115_200_000_000;
      for (let i = 0; i < 20; i++) {
        ts += 1;
        client.send({
          type: 'tick',
          ts,
          symbol: 'NQ 12-26',
          price: 21012.25,
          size: 1,
          bid: 21012,
          ask: 21012.25,
          side: 'sell',
        });
      }
      await client.acknowledged();
      const during = await scrape(url);
      const stats = (engine.gateway as NonNullable<typeof engine.gateway>).gateway.stats();
      expect(valueOf(during, 'enigma_gateway_connections')).toBe(1);
      expect(valueOf(during, 'enigma_gateway_sessions')).toBe(1);
      expect(stats.accepted).toBeGreaterThanOrEqual(20);
      expect(valueOf(during, 'enigma_gateway_messages_total', { outcome: 'accepted' })).toBe(stats.accepted);
    } finally {
      await client.close();
    }
  });

  it('refuses a request without a token, with an unknown token, and with a role that may not read', async () => {
    const missing = await fetch(`${url}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toMatchObject({ error: { code: 'API_UNAUTHORIZED' } });
    const unknown = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(unknown.status).toBe(401);
    // The viewer's token under another scheme is not a bearer token.
    const basic = await fetch(`${url}/metrics`, { headers: { authorization: `Basic ${TOKENS.viewer}` } });
    expect(basic.status).toBe(401);
    const addon = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.addon}` } });
    expect(addon.status).toBe(403);
    expect(await addon.json()).toMatchObject({ error: { code: 'API_FORBIDDEN' } });
    expect((await scrape(url, TOKENS.admin)).has('enigma_step_messages_in_total')).toBe(true);
  });
});
