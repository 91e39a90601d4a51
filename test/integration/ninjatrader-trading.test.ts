import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Alert, Position } from '../../src/core/events.js';
import { Engine, preparePipeline } from '../../src/engine.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { queryFile } from '../store/helpers.js';
import { withoutTradingHours } from './fixtures/any-hours.js';
import { NQ, ScriptedNinjaTrader, TEST_TOKEN } from './scripted-ninjatrader.js';

const run = promisify(execFile);
const FIXTURES = resolve('test/integration/fixtures');
const PROFILE = withoutTradingHours(loadRuleProfile('apex-50k-evaluation'));

let engine: Engine | undefined;
let addOn: ScriptedNinjaTrader | undefined;

afterEach(async () => {
  await addOn?.close();
  await engine?.stop();
  addOn = undefined;
  engine = undefined;
});

/** The real engine (pipeline, risk, order manager, gateway on loopback, DuckDB) trading APEX-12345 through NinjaTrader. */
async function startEngine(
  dataDir: string,
): Promise<{ engine: Engine; url: string; alerts: Alert[]; positions: Position[] }> {
  process.env['ENIGMA_TOKEN'] = TEST_TOKEN;
  const prepared = await preparePipeline(join(FIXTURES, 'ninjatrader-trading.yaml'));
  const created = await Engine.create({
    mode: 'live',
    dataDir,
    wasm: false,
    trading: {
      accounts: [
        { id: 'APEX-12345', profile: PROFILE, mode: 'auto', broker: 'ninjatrader' },
        { id: 'SIM-50K', profile: PROFILE, mode: 'auto', broker: 'paper' },
      ],
    },
    listen: { host: '127.0.0.1', port: 0 },
    storePath: join(dataDir, 'enigma.duckdb'),
  });
  const alerts: Alert[] = [];
  const positions: Position[] = [];
  created.bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  created.bus.observe(TOPICS.positions).subscribe((position) => positions.push(position));
  created.add(prepared.compiled);
  created.start();
  engine = created;
  return { engine: created, url: created.gateway?.url ?? '', alerts, positions };
}

function longSignal(price: number): Parameters<ScriptedNinjaTrader['client']['send']>[0] {
  return {
    type: 'signal',
    source: 'enigma',
    symbol: NQ,
    direction: 'long',
    strength: 'strong',
    power: 5.5,
    confluence: 3,
    price,
    stop: price - 10,
    targets: [price + 20],
  };
}

describe('NinjaTrader trading through the AddOn link', () => {
  it('trades a ninjatrader account: signal → risk → order → fill → position and account state, a re-sent fill changes nothing, and other accounts are not the AddOn’s', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-trading-'));
    const started = await startEngine(dataDir);
    addOn = new ScriptedNinjaTrader(started.url, 'APEX-12345');
    await addOn.connect();
    addOn.sendAccount();
    const trading = started.engine.trading;
    await addOn.waitFor(
      () => trading?.risk.brokerConnected('APEX-12345') === true,
      'the snapshot to be reconciled',
    );

    addOn.client.send(longSignal(21000));
    await addOn.waitFor(() => addOn?.count('order') === 1, 'the order frame');
    const order = addOn.commands.find((command) => command.type === 'order');
    expect(order).toMatchObject({
      type: 'order',
      account: 'APEX-12345',
      symbol: NQ,
      side: 'buy',
      quantity: 1,
      bracket: { stop_loss: 20990, take_profit: 21020 },
    });
    const id = order?.type === 'order' ? order.client_order_id : '';

    const fillId = addOn.fill(id, 21000.25);
    await addOn.client.acknowledged();
    expect(trading?.orders.order(id)).toMatchObject({
      status: 'filled',
      filledQuantity: 1,
      averageFillPrice: 21000.25,
    });
    expect(trading?.risk.totalExposure().get(NQ)).toBe(1);
    expect(started.positions.filter((p) => p.account === 'APEX-12345').at(-1)).toMatchObject({ quantity: 1 });
    expect(trading?.risk.compliance('APEX-12345')?.equity).toBe(50_000);

    // The same fill under a new seq: refused, nothing changes.
    addOn.execution(id, fillId, 'buy', 1, 21000.25);
    await addOn.client.acknowledged();
    expect(addOn.errors.map((e) => e.code)).toEqual(['GATEWAY_DUPLICATE_FILL']);
    expect(trading?.orders.order(id)).toMatchObject({ filledQuantity: 1 });
    expect(trading?.risk.totalExposure().get(NQ)).toBe(1);

    // The engine's paper account and an account this session did not declare are not the AddOn's.
    for (const account of ['SIM-50K', 'APEX-99999']) {
      addOn.client.send({
        type: 'account',
        account,
        currency: 'USD',
        balance: 0,
        equity: 0,
        realized_pnl_today: -50_000,
        unrealized_pnl: 0,
      });
      addOn.client.send({
        type: 'position',
        account,
        symbol: NQ,
        quantity: 5,
        average_price: 21000,
        unrealized_pnl: 0,
        realized_pnl: 0,
      });
    }
    await addOn.client.acknowledged();
    expect(addOn.errors.filter((e) => e.code === 'GATEWAY_ACCOUNT_NOT_OWNED')).toHaveLength(4);
    expect(trading?.riskState('SIM-50K')?.state).toBe('ACTIVE');
    expect(trading?.risk.compliance('SIM-50K')?.equity).toBe(50_000);
    expect(trading?.paper.positions('SIM-50K')).toEqual([]);

    await addOn.close();
    addOn = undefined;
    await started.engine.stop();
    engine = undefined;
    const db = join(dataDir, 'enigma.duckdb');
    expect(await queryFile(db, `SELECT count(*)::INTEGER FROM fills WHERE fill_id = '${fillId}'`)).toEqual([
      [1],
    ]);
    const rejects = await queryFile(db, `SELECT code, reason FROM rejects ORDER BY seq`);
    expect(rejects.map((row) => row[0])).toEqual([
      'GATEWAY_DUPLICATE_FILL',
      'GATEWAY_ACCOUNT_NOT_OWNED',
      'GATEWAY_ACCOUNT_NOT_OWNED',
      'GATEWAY_ACCOUNT_NOT_OWNED',
      'GATEWAY_ACCOUNT_NOT_OWNED',
    ]);
    expect(String(rejects[1]?.[1])).toContain("account 'SIM-50K' was not declared");
  });

  it('sends nothing for an account whose AddOn is not connected: the intent is denied with a reason and an alert', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-away-'));
    const started = await startEngine(dataDir);
    const denials: { code: string; reason: string }[] = [];
    started.engine.bus.observe(TOPICS.orderDenials).subscribe((denial) => denials.push(denial));
    // A market-data feed that trades no account sends the signal; APEX-12345's AddOn is away.
    addOn = new ScriptedNinjaTrader(started.url, 'FEED-ONLY');
    await addOn.connect();
    addOn.client.send(longSignal(21000));
    await addOn.waitFor(() => denials.length === 1, 'the denial');
    expect(denials[0]).toMatchObject({ code: 'BROKER_DISCONNECTED' });
    expect(started.alerts.filter((a) => a.code === 'EXECUTION_BROKER_DISCONNECTED')).toEqual([
      expect.objectContaining({ account: 'APEX-12345', severity: 'critical' }),
    ]);
    expect(addOn.commands).toEqual([]);
    expect(started.engine.gateway?.gateway.stats().sessions).toBe(1);
  });

  it('in confirm mode shows the proposal in the AddOn and sends the order itself when the AddOn accepts it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-confirm-'));
    const started = await startEngine(dataDir);
    const trading = started.engine.trading;
    trading?.execute({ type: 'set-mode', account: 'APEX-12345', mode: 'confirm', by: 'test' });
    addOn = new ScriptedNinjaTrader(started.url, 'APEX-12345');
    await addOn.connect();
    addOn.sendAccount();
    await addOn.waitFor(
      () => trading?.risk.brokerConnected('APEX-12345') === true,
      'the snapshot to be reconciled',
    );
    addOn.client.send(longSignal(21000));
    await addOn.waitFor(() => addOn?.count('proposal') === 1, 'the proposal');
    const proposal = addOn.commands.find((command) => command.type === 'proposal');
    if (proposal?.type !== 'proposal') throw new Error('no proposal');
    expect(proposal.order).toMatchObject({ account: 'APEX-12345', side: 'buy', quantity: 1 });
    expect(proposal.expires_ts).toBeGreaterThan(proposal.ts);
    expect(addOn.count('order')).toBe(0);
    addOn.client.send({ type: 'proposal_decision', proposal_id: proposal.proposal_id, decision: 'accepted' });
    await addOn.waitFor(() => addOn?.count('order') === 1, 'the order after the accept');
    expect(addOn.commands.find((c) => c.type === 'order')).toMatchObject({
      client_order_id: proposal.order.client_order_id,
    });
  });

  it('halts on the AddOn’s kill message: flatten goes out, the halt is kept, and flat is reported only after NinjaTrader’s reports', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-kill-'));
    const started = await startEngine(dataDir);
    addOn = new ScriptedNinjaTrader(started.url, 'APEX-12345', { delayMs: 300 });
    await addOn.connect();
    addOn.sendAccount();
    const trading = started.engine.trading;
    await addOn.waitFor(
      () => trading?.risk.brokerConnected('APEX-12345') === true,
      'the snapshot to be reconciled',
    );
    addOn.client.send(longSignal(21000));
    await addOn.waitFor(() => addOn?.count('order') === 1, 'the order frame');
    const order = addOn.commands.find((command) => command.type === 'order');
    addOn.fill(order?.type === 'order' ? order.client_order_id : '', 21000);
    await addOn.client.acknowledged();
    expect(trading?.risk.totalExposure().get(NQ)).toBe(1);

    addOn.client.send({ type: 'kill', reason: 'kill button in NinjaTrader' });
    await addOn.waitFor(() => addOn?.count('flatten') === 1, 'the flatten frame');
    expect(addOn.commands.find((c) => c.type === 'flatten')).toMatchObject({
      account: 'APEX-12345',
      symbol: NQ,
    });
    await addOn.waitFor(() => trading?.riskState('APEX-12345')?.state === 'HALTED', 'the halt');
    expect(JSON.parse(readFileSync(join(dataDir, 'risk-halts.json'), 'utf8'))).toMatchObject({
      halts: { 'APEX-12345': { kind: 'manual', reason: 'kill button in NinjaTrader' } },
    });
    // The paper account is not the AddOn's to halt.
    expect(trading?.riskState('SIM-50K')?.state).toBe('ACTIVE');

    const flat = () => started.alerts.filter((a) => a.code === 'EXECUTION_FLAT_CONFIRMED');
    expect(flat()).toEqual([]);
    await addOn.waitFor(() => flat().length === 1, 'the flat confirmation');
    expect(addOn.flatReportedAt).toBeDefined();
    expect(flat()[0]?.message).toBe('APEX-12345 flat (confirmed by NinjaTrader)');
    expect(trading?.risk.totalExposure().get(NQ)).toBe(0);
  });

  it('`enigma kill` cancels and flattens a NinjaTrader account through the AddOn and prints flat only after NinjaTrader reported it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-cli-kill-'));
    const started = await startEngine(dataDir);
    addOn = new ScriptedNinjaTrader(started.url, 'APEX-12345', { delayMs: 400 });
    await addOn.connect();
    addOn.sendAccount();
    const trading = started.engine.trading;
    await addOn.waitFor(
      () => trading?.risk.brokerConnected('APEX-12345') === true,
      'the snapshot to be reconciled',
    );
    addOn.client.send(longSignal(21000));
    await addOn.waitFor(() => addOn?.count('order') === 1, 'the order frame');
    const first = addOn.commands.find((command) => command.type === 'order');
    addOn.fill(first?.type === 'order' ? first.client_order_id : '', 21000);
    // A second signal leaves a working order at NinjaTrader.
    addOn.client.send({ ...longSignal(20990), direction: 'short', stop: 21000, targets: [20970] } as never);
    await addOn.waitFor(() => addOn?.count('order') === 2, 'the second order');

    const cli = run(
      'node',
      ['bin/enigma.js', 'kill', '--account', 'APEX-12345', '--data-dir', dataDir, '--wait', '20'],
      {
        cwd: resolve('.'),
      },
    );
    const { stdout } = await cli;
    const printedAt = Date.now();
    expect(addOn.count('cancel')).toBe(1);
    expect(addOn.count('flatten')).toBe(1);
    expect(stdout).toContain('APEX-12345 HALTED');
    expect(stdout).toContain('APEX-12345 flat (confirmed by NinjaTrader)');
    expect(addOn.flatReportedAt).toBeDefined();
    expect(printedAt).toBeGreaterThanOrEqual(addOn.flatReportedAt ?? Infinity);
    expect(addOn.working.size).toBe(0);
    expect(addOn.position).toBe(0);
  });
});
