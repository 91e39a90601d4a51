import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { deadLetters, NQ, RawPeer, startTestEngine, tick, type TestEngine } from './harness.js';

/**
 * Every kind of bad input gets an `error` naming the problem and the seq, the raw text lands in
 * the dead-letter stream, and the connection stays up: the next good message is accepted.
 */
describe('gateway bad input', () => {
  let engine: TestEngine;
  let peer: RawPeer;

  beforeEach(async () => {
    engine = await startTestEngine();
    ({ peer } = await RawPeer.hello(engine.streamUrl));
  });
  afterEach(async () => {
    peer.close();
    await engine.close();
  });

  async function expectRefused(raw: string, code: string, refSeq: number | undefined, reason: RegExp) {
    peer.send(raw);
    const error = await peer.next('error', (e) => e.code === code);
    expect(error.message).toMatch(reason);
    expect(error.ref_seq).toBe(refSeq);
    const letter = deadLetters(engine).find((l) => l.code === code);
    expect(letter).toMatchObject({ code, message: raw, origin: expect.stringMatching(/^gateway:/) });
    // Still connected: a good message after it is accepted and acknowledged.
    const next = (refSeq ?? 0) + 1;
    peer.send(tick(next));
    await peer.acked(next);
    expect(peer.closeCode).toBeUndefined();
  }

  it('refuses a frame that is not JSON', async () => {
    await expectRefused('{"type":"tick","seq":1,', 'GATEWAY_NOT_JSON', 1, /not JSON/);
  });

  it('refuses NaN written as a literal', async () => {
    const raw = JSON.stringify(tick(1)).replace('"price":21012.25', '"price":NaN');
    await expectRefused(raw, 'GATEWAY_NOT_FINITE', 1, /NaN or Infinity/);
  });

  it('refuses a number that overflows to Infinity', async () => {
    const raw = JSON.stringify(tick(1)).replace('"bid":21012', '"bid":-1e999');
    await expectRefused(raw, 'GATEWAY_NOT_FINITE', 1, /tick\.bid is -Infinity/);
  });

  it('refuses an unknown message type', async () => {
    await expectRefused(
      JSON.stringify({ type: 'tock', seq: 1, ts: 1 }),
      'GATEWAY_UNKNOWN_TYPE',
      1,
      /'tock' is not a client message type/,
    );
  });

  it('refuses a message without a type', async () => {
    await expectRefused(
      JSON.stringify({ seq: 1, ts: 1 }),
      'GATEWAY_UNKNOWN_TYPE',
      1,
      /no string field `type`/,
    );
  });

  it('refuses a missing field, naming it', async () => {
    const { price: _price, ...withoutPrice } = tick(1);
    await expectRefused(
      JSON.stringify(withoutPrice),
      'GATEWAY_SCHEMA_VIOLATION',
      1,
      /missing required field 'price'/,
    );
  });

  it('refuses an unknown field, naming it', async () => {
    await expectRefused(
      JSON.stringify(tick(1, { prize: 1 })),
      'GATEWAY_SCHEMA_VIOLATION',
      1,
      /unknown field 'prize'/,
    );
  });

  it('refuses a value outside an enumeration, listing the allowed ones', async () => {
    await expectRefused(
      JSON.stringify(tick(1, { side: 'up' })),
      'GATEWAY_SCHEMA_VIOLATION',
      1,
      /tick\.side is "up"; it must be one of "buy", "sell", "unknown"/,
    );
  });

  it('refuses a wrong type of value', async () => {
    await expectRefused(
      JSON.stringify(tick(1, { price: '21012.25' })),
      'GATEWAY_SCHEMA_VIOLATION',
      1,
      /tick\.price is "21012.25"; it must be number/,
    );
  });

  it('refuses a negative size', async () => {
    await expectRefused(
      JSON.stringify(tick(1, { size: -1 })),
      'GATEWAY_NEGATIVE_SIZE',
      1,
      /tick\.size is -1/,
    );
  });

  it('refuses an order update with quantity 0', async () => {
    const update = {
      type: 'order_update',
      seq: 1,
      ts: 5,
      client_order_id: 'a',
      account: 'Sim101',
      symbol: NQ,
      side: 'buy',
      quantity: 0,
      filled_quantity: 0,
      order_type: 'market',
      time_in_force: 'day',
      status: 'working',
    };
    await expectRefused(JSON.stringify(update), 'GATEWAY_NEGATIVE_SIZE', 1, /order_update\.quantity is 0/);
  });

  it('refuses an unknown instrument', async () => {
    await expectRefused(
      JSON.stringify(tick(1, { symbol: 'XX 12-26' })),
      'GATEWAY_UNKNOWN_SYMBOL',
      1,
      /'XX 12-26'/,
    );
  });

  it('refuses a tick older than the previous one of the same instrument', async () => {
    const first = tick(1);
    peer.send(first);
    await peer.acked(1);
    await expectRefused(
      JSON.stringify(tick(2, { ts: (first['ts'] as number) - 1_000_000 })),
      'GATEWAY_TIME_BACKWARDS',
      2,
      /older than the previous tick/,
    );
  });

  it('refuses a seq that goes backwards on the connection and keeps the seq it had', async () => {
    peer.send([tick(1), tick(2), tick(3)]);
    await peer.acked(3);
    const raw = JSON.stringify(tick(2));
    peer.send(raw);
    const error = await peer.next('error', (e) => e.code === 'GATEWAY_SEQ_BACKWARDS');
    expect(error).toMatchObject({
      ref_seq: 2,
      message: expect.stringMatching(/not greater than the previous seq 3/),
    });
    expect(deadLetters(engine)).toEqual([
      expect.objectContaining({ code: 'GATEWAY_SEQ_BACKWARDS', message: raw }),
    ]);
    peer.send(tick(4));
    await peer.acked(4);
    expect(engine.published(TOPICS.ticks)).toHaveLength(4);
  });

  it('refuses a sequenced message with seq 0', async () => {
    await expectRefused(JSON.stringify(tick(0)), 'GATEWAY_SCHEMA_VIOLATION', 0, /seq is 0/);
  });

  it('refuses an empty batch', async () => {
    await expectRefused('[]', 'GATEWAY_EMPTY_BATCH', undefined, /empty array/);
  });

  it('refuses one bad message of a batch and accepts the others', async () => {
    const bad = tick(2, { size: -5 });
    peer.send([tick(1), bad, tick(3)]);
    await peer.acked(3);
    expect(engine.published(TOPICS.ticks).map((t) => t.size)).toEqual([2, 2]);
    expect(await peer.next('error')).toMatchObject({
      code: 'GATEWAY_NEGATIVE_SIZE',
      ref_seq: 2,
      ref_type: 'tick',
    });
    expect(deadLetters(engine)[0]?.message).toBe(JSON.stringify(bad));
  });

  it('closes with 1003 on a binary frame', async () => {
    peer.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await peer.closed();
    expect(peer.closeCode).toBe(1003);
    expect(await peer.next('error')).toMatchObject({ code: 'GATEWAY_BINARY_FRAME' });
  });

  it('closes with 1007 on a text frame that is not UTF-8', async () => {
    peer.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    await peer.closed();
    expect(peer.closeCode).toBe(1007);
  });

  it('closes with 1009 on a frame above max_payload', async () => {
    peer.send(JSON.stringify(tick(1, { symbol: 'x'.repeat(300_000) })));
    await peer.closed();
    expect(peer.closeCode).toBe(1009);
  });

  it('closes with 4000 when a second hello arrives', async () => {
    peer.send({
      type: 'hello',
      seq: 0,
      ts: 1,
      protocol: 1,
      client: { name: 't', version: '1' },
      accounts: [],
      last_seq: 0,
    });
    await peer.closed();
    expect(peer.closeCode).toBe(4000);
  });
});

describe('gateway handshake errors', () => {
  let engine: TestEngine;
  afterEach(async () => engine.close());

  it('closes with 4000 when the first message is not a hello', async () => {
    engine = await startTestEngine();
    const peer = await RawPeer.open(engine.streamUrl);
    peer.send(tick(1));
    await peer.closed();
    expect(peer.closeCode).toBe(4000);
    expect(peer.closeReason).toBe('GATEWAY_HELLO_REQUIRED');
    expect(await peer.next('error')).toMatchObject({ code: 'GATEWAY_HELLO_REQUIRED' });
    expect(engine.published(TOPICS.ticks)).toHaveLength(0);
  });

  it('closes with 4000 when no hello arrives in time', async () => {
    engine = await startTestEngine({ helloTimeoutMs: 20 });
    const peer = await RawPeer.open(engine.streamUrl);
    await peer.closed();
    expect(peer.closeCode).toBe(4000);
  });

  it('closes with 4001 for an unsupported protocol version', async () => {
    engine = await startTestEngine();
    const peer = await RawPeer.open(engine.streamUrl);
    peer.send({
      type: 'hello',
      seq: 0,
      ts: 1,
      protocol: 2,
      client: { name: 't', version: '1' },
      accounts: [],
      last_seq: 0,
    });
    await peer.closed();
    expect(peer.closeCode).toBe(4001);
    expect(await peer.next('error')).toMatchObject({ code: 'GATEWAY_UNSUPPORTED_PROTOCOL' });
  });
});
