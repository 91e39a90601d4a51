import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS, type NinjaTraderCommand } from '../../src/bus/topics.js';
import type { OrderIntent } from '../../src/core/events.js';
import { tempDir } from '../store/helpers.js';
import {
  deadLetters,
  NQ,
  RawPeer,
  startStoredEngine,
  startTestEngine,
  tick,
  type TestEngine,
} from './harness.js';

function intent(id: string, account = 'Sim101'): OrderIntent {
  return {
    id,
    account,
    symbol: NQ,
    ts: 10,
    side: 'buy',
    quantity: 1,
    type: 'market',
    timeInForce: 'day',
    stopLoss: 20995,
    takeProfit: 21030,
    signalTs: 9,
    reason: 'test',
  };
}

function order(id: string, account = 'Sim101'): NinjaTraderCommand {
  return { kind: 'order', intent: intent(id, account) };
}

describe('gateway sessions: resume and duplicate suppression', () => {
  let engine: TestEngine;
  let temp: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await engine.close();
    temp?.remove();
    temp = undefined;
  });

  it('acks only what the store committed and drops resent messages it already accepted', async () => {
    temp = tempDir('enigma-resume-');
    const stored = await startStoredEngine(temp.file('resume.duckdb'));
    engine = stored;
    const first = await RawPeer.hello(engine.streamUrl);
    const sent = [1, 2, 3, 4, 5].map((seq) => tick(seq));
    await first.peer.sync(sent.slice(0, 3));
    await stored.store.flush(); // the store commits 1…3; 4 and 5 arrive after
    await first.peer.sync(sent.slice(3));
    await first.peer.acked(3);
    expect(engine.published(TOPICS.ticks)).toHaveLength(5);
    expect(first.peer.acks()).toEqual([3]);
    first.peer.socket.terminate();
    await first.peer.closed();

    const second = await RawPeer.hello(engine.streamUrl, { session_id: first.welcome.session_id });
    expect(second.welcome).toMatchObject({
      resumed: true,
      session_id: first.welcome.session_id,
      last_seq: 3,
    });
    await second.peer.sync([sent[3], sent[4], tick(6)]);
    await stored.store.flush();
    await second.peer.acked(6);
    expect(second.peer.acks()).toEqual([6]);
    expect(engine.published(TOPICS.ticks)).toHaveLength(6);
    expect(engine.published(TOPICS.received).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(engine.gateway.stats().duplicates).toBe(2);
    second.peer.close();
  });

  it('with ackOn accepted, welcomes a resumed client with everything it sent', async () => {
    engine = await startTestEngine();
    const first = await RawPeer.hello(engine.streamUrl);
    first.peer.send([tick(1), tick(2)]);
    await first.peer.acked(2);
    first.peer.close();
    await first.peer.closed();
    const second = await RawPeer.hello(engine.streamUrl, { session_id: first.welcome.session_id });
    expect(second.welcome).toMatchObject({ resumed: true, last_seq: 2 });
    second.peer.close();
  });

  it('resends the engine messages after the client last_seq, in order, including those queued while away', async () => {
    engine = await startTestEngine();
    const first = await RawPeer.hello(engine.streamUrl);
    for (const id of ['o1', 'o2', 'o3']) engine.bus.publish(TOPICS.ninjatraderCommands, order(id));
    await first.peer.next('order', (o) => o.seq === 3);
    first.peer.send({ type: 'ack', seq: 0, ts: 1, last_seq: 2 });
    first.peer.socket.terminate();
    await first.peer.closed();
    for (const id of ['o4', 'o5']) engine.bus.publish(TOPICS.ninjatraderCommands, order(id));

    const second = await RawPeer.hello(engine.streamUrl, {
      session_id: first.welcome.session_id,
      last_seq: 2,
    });
    await second.peer.next('order', (o) => o.seq === 5);
    const orders = second.peer.messages.filter((m) => m.type === 'order');
    expect(orders.map((o) => [o.seq, (o as { client_order_id: string }).client_order_id])).toEqual([
      [3, 'o3'],
      [4, 'o4'],
      [5, 'o5'],
    ]);
    expect(orders[0]).toMatchObject({
      account: 'Sim101',
      symbol: NQ,
      side: 'buy',
      quantity: 1,
      order_type: 'market',
      time_in_force: 'day',
      bracket: { stop_loss: 20995, take_profit: 21030 },
      signal_ts: 9,
    });
    second.peer.close();
  });

  it('asks for a snapshot when its outbound window no longer holds what the client missed', async () => {
    engine = await startTestEngine({ outboundWindow: 3 });
    const first = await RawPeer.hello(engine.streamUrl);
    first.peer.socket.terminate();
    await first.peer.closed();
    for (const id of ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'])
      engine.bus.publish(TOPICS.ninjatraderCommands, order(id));
    const second = await RawPeer.hello(engine.streamUrl, {
      session_id: first.welcome.session_id,
      last_seq: 0,
    });
    const request = await second.peer.next('snapshot_request');
    expect(request).toMatchObject({
      seq: 7,
      reason: expect.stringMatching(/window starts at 4, client has 0/),
    });
    expect(second.peer.messages.filter((m) => m.type === 'order').map((m) => m.seq)).toEqual([4, 5, 6]);
    second.peer.close();
  });

  it('starts a new session and asks for a snapshot when the session is unknown', async () => {
    engine = await startTestEngine();
    const { peer, welcome } = await RawPeer.hello(engine.streamUrl, {
      session_id: 'from-before-a-restart',
      last_seq: 40,
    });
    expect(welcome).toMatchObject({ resumed: false, last_seq: 0 });
    expect(welcome.session_id).not.toBe('from-before-a-restart');
    expect(await peer.next('snapshot_request')).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(/unknown to this engine/),
    });
    peer.close();
  });

  it('closes the older connection with 4002 when another one resumes the session', async () => {
    engine = await startTestEngine();
    const first = await RawPeer.hello(engine.streamUrl);
    const second = await RawPeer.hello(engine.streamUrl, { session_id: first.welcome.session_id });
    await first.peer.closed();
    expect(first.peer.closeCode).toBe(4002);
    expect(second.welcome.resumed).toBe(true);
    engine.bus.publish(TOPICS.ninjatraderCommands, order('o1'));
    await second.peer.next('order');
    second.peer.close();
  });

  it('declares a skipped client seq range lost, reports it, asks for a snapshot and acks past it', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    peer.send(tick(1));
    peer.send(tick(4));
    expect(await peer.next('error')).toMatchObject({
      code: 'GATEWAY_SEQ_GAP',
      ref_seq: 4,
      message: expect.stringMatching(/2…3 are declared lost/),
    });
    expect(await peer.next('snapshot_request')).toMatchObject({ seq: 1 });
    await peer.acked(4);
    expect(engine.published(TOPICS.ticks)).toHaveLength(2);
    expect(engine.gateway.stats().gaps).toBe(1);
    // The edge envelopes keep the protocol seq: the lost ones are recorded too.
    expect(engine.published(TOPICS.received).map((r) => [r.seq, r.type])).toEqual([
      [1, 'tick'],
      [2, 'lost'],
      [3, 'lost'],
      [4, 'tick'],
    ]);
    peer.close();
  });

  it('never sends two orders with the same client_order_id', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    engine.bus.publish(TOPICS.ninjatraderCommands, order('same'));
    engine.bus.publish(TOPICS.ninjatraderCommands, order('same'));
    engine.bus.publish(TOPICS.ninjatraderCommands, order('other'));
    await peer.next('order', (o) => o.client_order_id === 'other');
    expect(peer.messages.filter((m) => m.type === 'order').map((m) => m.seq)).toEqual([1, 2]);
    expect(deadLetters(engine)).toEqual([expect.objectContaining({ code: 'GATEWAY_DUPLICATE_ORDER' })]);
    peer.close();
  });

  it('keeps a command for an account no session trades in the dead-letter stream', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl, { accounts: ['Sim101'] });
    expect(engine.gateway.send(order('x', 'Live42'))).toBe(false);
    expect(deadLetters(engine)).toEqual([
      expect.objectContaining({ code: 'GATEWAY_NO_SESSION', reason: expect.stringMatching(/Live42/) }),
    ]);
    peer.close();
  });

  it('sends cancel, replace, flatten, proposal and subscriptions in protocol form', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    const send = (command: NinjaTraderCommand) => engine.bus.publish(TOPICS.ninjatraderCommands, command);
    send({ kind: 'cancel', commandId: 'c1', account: 'Sim101', clientOrderId: 'o1' });
    send({ kind: 'replace', commandId: 'c2', account: 'Sim101', clientOrderId: 'o2', limitPrice: 21005 });
    send({ kind: 'flatten', commandId: 'c3', account: 'Sim101', reason: 'kill switch' });
    send({ kind: 'proposal', proposalId: 'p1', intent: intent('o3'), expiresTs: 99, reason: 'confirm' });
    send({ kind: 'subscribe', symbols: ['ES 12-26'], streams: ['tick', 'bar'], barPeriodSeconds: 60 });
    send({ kind: 'unsubscribe', account: 'Sim101', symbols: ['ES 12-26'], streams: ['tick'] });
    await peer.next('unsubscribe');
    const commands = peer.messages.filter((m) => m.seq > 0);
    expect(commands.map((m) => m.type)).toEqual([
      'cancel',
      'replace',
      'flatten',
      'proposal',
      'subscribe',
      'unsubscribe',
    ]);
    expect(commands[0]).toMatchObject({ command_id: 'c1', client_order_id: 'o1', account: 'Sim101' });
    expect(commands[1]).toMatchObject({ command_id: 'c2', limit_price: 21005 });
    expect(commands[2]).toMatchObject({ account: 'Sim101', reason: 'kill switch' });
    expect(commands[3]).toMatchObject({
      proposal_id: 'p1',
      expires_ts: 99,
      order: { client_order_id: 'o3', quantity: 1 },
    });
    expect(commands[4]).toMatchObject({
      symbols: ['ES 12-26'],
      streams: ['tick', 'bar'],
      bar_period_seconds: 60,
    });
    peer.close();
  });

  it('refuses a jump of more than 10,000 seqs without consuming it', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    peer.send(tick(1));
    peer.send(tick(20_000));
    expect(await peer.next('error')).toMatchObject({
      code: 'GATEWAY_SEQ_GAP',
      ref_seq: 20_000,
      message: expect.stringMatching(/more than 10000 ahead of 2/),
    });
    peer.send(tick(2));
    await peer.acked(2);
    expect(engine.published(TOPICS.received).map((r) => r.seq)).toEqual([1, 2]);
    peer.close();
  });

  it('records a refused message on the edge envelope stream under its seq', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    const bad = JSON.stringify(tick(1, { size: -3 }));
    peer.send(bad);
    peer.send(tick(2));
    await peer.acked(2);
    const [refused, accepted] = engine.published(TOPICS.received);
    expect(refused).toMatchObject({
      seq: 1,
      type: 'refused',
      message: { code: 'GATEWAY_NEGATIVE_SIZE', raw: bad },
    });
    // An accepted message's envelope carries the very event published on its topic.
    expect(accepted?.message).toBe(engine.published(TOPICS.ticks)[0]);
    peer.close();
  });
});
