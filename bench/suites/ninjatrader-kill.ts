import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { LiveClock } from '../../src/core/clock.js';
import { attachGateway } from '../../src/gateway/attach-gateway.js';
import { GatewayClient, type EngineCommand } from '../../src/gateway/client.js';
import { startTrading } from '../../src/trading.js';
import type { Suite } from '../suite.js';

/**
 * The kill switch reaching NinjaTrader: the risk engine, order manager and NinjaTrader broker on a
 * bus, the gateway on a real loopback WebSocket, and a scripted AddOn (a GatewayClient in this
 * process) holding one position and one working order of APEX-1. Per run: kill (the same call
 * `enigma kill` leads to) → the `flatten` frame at the client (p50/p99), and kill → the engine's
 * `EXECUTION_FLAT_CONFIRMED`, after the client has answered with its fill, flat position, cancelled
 * order and snapshot. Then resume, reopen, repeat.
 */

const TOKEN = 'bench-token-not-a-secret';
const ACCOUNT = 'APEX-1';
const NQ = 'NQ 12-26';

function histogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

const ms = (nanoseconds: number): number => Math.round(nanoseconds / 1e4) / 100;

const suite: Suite = async ({ quick }) => {
  const runs = quick ? 20 : 200;
  const warmup = 3;
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-bench-kill-'));
  const bus = new MessageBus();
  const clock = new LiveClock();
  const trading = startTrading(bus, clock, {
    dataDir,
    watchHaltFile: false,
    accounts: [{ id: ACCOUNT, profile: 'apex-50k-evaluation', mode: 'auto', broker: 'ninjatrader' }],
  });
  const attached = await attachGateway(bus, {
    port: 0,
    token: TOKEN,
    clock,
    ninjaTraderAccounts: trading.ninjaTraderAccounts(),
  });

  // The scripted AddOn: one position and the working orders it was sent.
  let position = 0;
  const working = new Map<string, EngineCommand & { type: 'order' }>();
  let flattenAt: bigint | undefined;
  let fills = 0;
  const client: GatewayClient = new GatewayClient({
    url: attached.url,
    token: TOKEN,
    accounts: [ACCOUNT],
    onCommand: (command) => {
      switch (command.type) {
        case 'order':
          working.set(command.client_order_id, command);
          report(command, 'working');
          return;
        case 'cancel': {
          const order = working.get(command.client_order_id);
          if (!order) return;
          working.delete(order.client_order_id);
          report(order, 'cancelled');
          return;
        }
        case 'flatten':
          flattenAt = process.hrtime.bigint();
          if (position !== 0) {
            client.send({
              type: 'execution',
              fill_id: `bench-close-${++fills}`,
              client_order_id: `Close-${command.command_id}`,
              account: ACCOUNT,
              symbol: NQ,
              side: position > 0 ? 'sell' : 'buy',
              quantity: Math.abs(position),
              price: 21000,
              commission: 0,
            });
            position = 0;
            sendPosition();
          }
          return;
        case 'snapshot_request':
          client.send({
            type: 'snapshot',
            request_id: command.request_id,
            accounts: [
              {
                ts: clock.now(),
                account: ACCOUNT,
                currency: 'USD',
                balance: 50_000,
                equity: 50_000,
                realized_pnl_today: 0,
                unrealized_pnl: 0,
              },
            ],
            positions: position === 0 ? [] : [positionBody()],
            orders: [...working.values()].map((order) => ({
              ts: clock.now(),
              ...orderBody(order, 'working'),
            })),
          });
          return;
        default:
          return;
      }
    },
  });
  const positionBody = () => ({
    ts: clock.now(),
    account: ACCOUNT,
    symbol: NQ,
    quantity: position,
    average_price: position === 0 ? 0 : 21000,
    unrealized_pnl: 0,
    realized_pnl: 0,
  });
  const sendPosition = (): void => {
    const { ts: _ts, ...body } = positionBody();
    client.send({ type: 'position', ...body });
  };
  const orderBody = (
    order: EngineCommand & { type: 'order' },
    status: 'working' | 'cancelled' | 'filled',
  ) => ({
    client_order_id: order.client_order_id,
    account: ACCOUNT,
    symbol: NQ,
    side: order.side,
    quantity: order.quantity,
    filled_quantity: status === 'filled' ? order.quantity : 0,
    order_type: order.order_type,
    ...(order.limit_price !== undefined && { limit_price: order.limit_price }),
    time_in_force: order.time_in_force,
    status,
  });
  const report = (
    order: EngineCommand & { type: 'order' },
    status: 'working' | 'cancelled' | 'filled',
  ): void => {
    client.send({ type: 'order_update', ...orderBody(order, status) });
  };

  let flatAt = 0n;
  bus.observe(TOPICS.alerts).subscribe((alert) => {
    if (alert.code === 'EXECUTION_FLAT_CONFIRMED') flatAt = process.hrtime.bigint();
  });
  const until = async (condition: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`ninjatrader-kill bench: timed out waiting for ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  await client.connect();
  await until(() => trading.risk.brokerConnected(ACCOUNT) === true, 'the snapshot to be reconciled');
  const toFlatten = histogram();
  const toFlat = histogram();
  for (let r = 0; r < runs + warmup; r++) {
    // Open: a long of 1 at NinjaTrader and a working limit order the engine sent.
    position = 1;
    sendPosition();
    trading.orders.execute({
      type: 'submit',
      intent: {
        id: `bench-${String(clock.now())}-${r}`,
        account: ACCOUNT,
        symbol: NQ,
        ts: clock.now(),
        side: 'buy',
        quantity: 1,
        type: 'limit',
        limitPrice: 20_000,
        timeInForce: 'day',
        reason: 'bench',
      },
    });
    await until(
      () => working.size === 1 && trading.orders.liveOrders(ACCOUNT).some((o) => o.status === 'working'),
      'the working order',
    );
    await until(() => trading.risk.totalExposure().get(NQ) === 1, 'the position');
    flattenAt = undefined;
    flatAt = 0n;
    const killedAt = process.hrtime.bigint();
    trading.execute({ type: 'kill', account: ACCOUNT, reason: 'bench', by: 'bench' });
    await until(() => flatAt !== 0n, 'the flat confirmation');
    if (r >= warmup) {
      toFlatten.recordValue(Number((flattenAt ?? killedAt) - killedAt));
      toFlat.recordValue(Number(flatAt - killedAt));
    }
    trading.execute({ type: 'resume', account: ACCOUNT, by: 'bench' });
  }
  await client.close();
  await attached.close();
  await trading.close();
  rmSync(dataDir, { recursive: true, force: true });

  const row = (measurement: string, latency: hdr.Histogram) => ({
    measurement,
    runs,
    'p50 ms': ms(latency.getValueAtPercentile(50)),
    'p99 ms': ms(latency.getValueAtPercentile(99)),
    'max ms': ms(latency.maxValue),
  });
  const rows = [
    row('kill → flatten frame at the AddOn (loopback WebSocket)', toFlatten),
    row('kill → flat confirmed by the AddOn’s reports (fill, position 0, cancel, snapshot)', toFlat),
  ];
  const figures = {
    'ninjatrader.killToFlattenFrameP99Millis': rows[0]?.['p99 ms'] ?? 0,
    'ninjatrader.killToFlatConfirmedP99Millis': rows[1]?.['p99 ms'] ?? 0,
  };
  toFlatten.destroy();
  toFlat.destroy();
  return {
    name: 'NinjaTrader kill switch',
    rows,
    figures,
    notes: [
      'Engine and scripted AddOn in one process (one event loop), gateway over a real loopback WebSocket; the AddOn answers at once, so the figures are engine + link time, not NinjaTrader time.',
      'Each run: one position and one working order; kill writes the halt file (fsync-free rename), sends cancel + flatten + snapshot_request; flat is confirmed from the AddOn’s reports only.',
    ],
  };
};

export default suite;
