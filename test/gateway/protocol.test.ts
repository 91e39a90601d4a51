import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { NQ, RawPeer, signal, startTestEngine, tick, type TestEngine } from './harness.js';

describe('gateway protocol v1 on loopback', () => {
  let engine: TestEngine;
  afterEach(async () => engine.close());

  it('welcomes a new client with a session and the server limits', async () => {
    engine = await startTestEngine();
    const { peer, welcome } = await RawPeer.hello(engine.streamUrl);
    expect(welcome).toMatchObject({
      type: 'welcome',
      seq: 0,
      protocol: 1,
      resumed: false,
      last_seq: 0,
      heartbeat_ms: 5000,
    });
    expect(welcome.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(welcome.max_payload).toBe(262_144);
    peer.close();
  });

  it('publishes a tick on the bus, rounded to the tick, with an edge envelope, and acks it', async () => {
    engine = await startTestEngine();
    const { peer, welcome } = await RawPeer.hello(engine.streamUrl);
    peer.send(tick(1, { price: 21012.2500000001, ts: 1_764_115_200_123_456 }));
    await peer.acked(1);
    expect(engine.published(TOPICS.ticks)).toEqual([
      {
        symbol: NQ,
        ts: 1_764_115_200_123_456,
        price: 21012.25,
        size: 2,
        bid: 21012,
        ask: 21012.25,
        side: 'buy',
        source: `gateway:${welcome.session_id}`,
      },
    ]);
    const [received] = engine.published(TOPICS.received);
    expect(received).toMatchObject({ source: `gateway:${welcome.session_id}`, seq: 1, type: 'tick' });
    peer.close();
  });

  it('processes a batch frame in order and acks it once', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    peer.send([tick(1), tick(2), signal(3), tick(4)]);
    await peer.acked(4);
    expect(engine.published(TOPICS.ticks)).toHaveLength(3);
    expect(engine.published(TOPICS.signals)).toEqual([
      expect.objectContaining({ source: 'enigma', symbol: NQ, direction: 'long', confluence: 3 }),
    ]);
    expect(peer.messages.filter((m) => m.type === 'ack')).toEqual([expect.objectContaining({ last_seq: 4 })]);
    peer.close();
  });

  it('maps every NinjaTrader event to its domain event', async () => {
    engine = await startTestEngine({ ninjaTraderAccounts: ['Sim101'] });
    const { peer } = await RawPeer.hello(engine.streamUrl);
    const ts = 1_764_115_200_300_000;
    const account = {
      ts,
      account: 'Sim101',
      currency: 'USD',
      balance: 50250,
      equity: 50310,
      realized_pnl_today: 250,
      unrealized_pnl: 60,
    };
    const position = {
      ts,
      account: 'Sim101',
      symbol: NQ,
      quantity: -2,
      average_price: 21012.25,
      unrealized_pnl: 60,
      realized_pnl: 0,
    };
    const order = {
      ts,
      client_order_id: 'ea-1',
      broker_order_id: 'b-1',
      account: 'Sim101',
      symbol: NQ,
      side: 'sell',
      quantity: 2,
      filled_quantity: 2,
      average_fill_price: 21012.25,
      order_type: 'limit',
      limit_price: 21012.25,
      time_in_force: 'gtc',
      status: 'filled',
    };
    peer.send([
      { type: 'account', seq: 1, ...account },
      { type: 'position', seq: 2, ...position },
      { type: 'order_update', seq: 3, ...order },
      {
        type: 'execution',
        seq: 4,
        ts,
        fill_id: 'x-1',
        client_order_id: 'ea-1',
        account: 'Sim101',
        symbol: NQ,
        side: 'sell',
        quantity: 2,
        price: 21012.25,
        commission: 4.18,
      },
      {
        type: 'bar',
        seq: 5,
        ts: ts - 60_000_000,
        symbol: NQ,
        end: ts,
        open: 21000,
        high: 21014.5,
        low: 20998.25,
        close: 21012.25,
        volume: 1840,
        buy_volume: 1010,
        sell_volume: 830,
        trades: 912,
      },
      { type: 'quote', seq: 6, ts, symbol: NQ, bid: 21012, ask: 21012.25, bid_size: 7, ask_size: 3 },
      {
        type: 'snapshot',
        seq: 7,
        ts,
        request_id: 'snap-1',
        accounts: [account],
        positions: [position],
        orders: [],
      },
      { type: 'proposal_decision', seq: 8, ts, proposal_id: 'pr-1', decision: 'rejected', reason: 'no' },
    ]);
    await peer.acked(8);
    expect(engine.published(TOPICS.accounts)).toHaveLength(2);
    expect(engine.published(TOPICS.accounts)[0]).toEqual({
      account: 'Sim101',
      ts,
      currency: 'USD',
      balance: 50250,
      equity: 50310,
      realizedPnlToday: 250,
      unrealizedPnl: 60,
    });
    expect(engine.published(TOPICS.positions)[0]).toEqual({
      account: 'Sim101',
      symbol: NQ,
      ts,
      quantity: -2,
      averagePrice: 21012.25,
      unrealizedPnl: 60,
      realizedPnl: 0,
    });
    expect(engine.published(TOPICS.orders)[0]).toEqual({
      clientOrderId: 'ea-1',
      brokerOrderId: 'b-1',
      account: 'Sim101',
      symbol: NQ,
      ts,
      side: 'sell',
      quantity: 2,
      filledQuantity: 2,
      averageFillPrice: 21012.25,
      type: 'limit',
      limitPrice: 21012.25,
      timeInForce: 'gtc',
      status: 'filled',
    });
    expect(engine.published(TOPICS.fills)[0]).toMatchObject({
      fillId: 'x-1',
      clientOrderId: 'ea-1',
      quantity: 2,
      commission: 4.18,
    });
    expect(engine.published(TOPICS.bars)[0]).toMatchObject({ buyVolume: 1010, sellVolume: 830, trades: 912 });
    expect(engine.published(TOPICS.received).map((r) => r.type)).toEqual([
      'account',
      'position',
      'order_update',
      'execution',
      'bar',
      'quote',
      'snapshot',
      // A decision on a proposal this engine never sent is refused (GATEWAY_UNKNOWN_PROPOSAL).
      'refused',
    ]);
    peer.close();
  });

  it('answers a ping with a pong echoing its id and time', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    peer.send({ type: 'ping', seq: 0, ts: 42, id: 'p-1' });
    expect(await peer.next('pong')).toMatchObject({ id: 'p-1', ping_ts: 42, seq: 0 });
    peer.close();
  });

  it('forwards risk states to the session trading the account', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl, { accounts: ['Sim101'] });
    engine.bus.publish(TOPICS.riskStates, {
      account: 'Sim101',
      ts: 5,
      state: 'HALTED',
      reasons: ['daily loss'],
      health: 0,
    });
    expect(await peer.next('state')).toMatchObject({
      seq: 1,
      account: 'Sim101',
      state: 'HALTED',
      reasons: ['daily loss'],
      health: 0,
    });
    peer.close();
  });

  it('reports sessions connecting, sending snapshots and leaving, for reconciliation', async () => {
    engine = await startTestEngine();
    const { peer, welcome } = await RawPeer.hello(engine.streamUrl, { accounts: ['Sim101'] });
    peer.send({ type: 'snapshot', seq: 1, ts: 5, accounts: [], positions: [], orders: [] });
    await peer.acked(1);
    peer.close();
    await peer.closed();
    while (engine.published(TOPICS.ninjatraderSessions).length < 3)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(
      engine.published(TOPICS.ninjatraderSessions).map((e) => [e.kind, e.sessionId, e.accounts, e.resumed]),
    ).toEqual([
      ['connected', welcome.session_id, ['Sim101'], false],
      ['snapshot', welcome.session_id, ['Sim101'], undefined],
      ['disconnected', welcome.session_id, ['Sim101'], undefined],
    ]);
  });
});
