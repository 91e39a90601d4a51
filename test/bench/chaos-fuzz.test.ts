import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runFuzzConnection } from '../../bench/chaos/fuzz-connection.js';
import { CLOSING_KINDS, FRAME_KINDS, FrameFactory, type FrameKind } from '../../bench/chaos/fuzz-frames.js';
import { emptyCounts, type FuzzCounts } from '../../bench/chaos/fuzz-ledger.js';
import { documentedCloseCodes } from '../../bench/chaos/documented-codes.js';
import { ClientMessageValidator } from '../../src/gateway/protocol/codec.js';
import { CLOSE_CODES, WEBSOCKET_CLOSE_CODES } from '../../src/gateway/close-codes.js';
import { startTestEngine, TEST_TOKEN, type TestEngine } from '../gateway/harness.js';

const documented = documentedCloseCodes();
let engine: TestEngine | undefined;
let silent: { url: string; close: () => Promise<void> } | undefined;

afterEach(async () => {
  await engine?.close();
  await silent?.close();
  engine = undefined;
  silent = undefined;
});

/** Runs `connections` fuzz connections one after another until `frames` frames are sent. */
async function fuzz(
  url: string,
  frames: number,
  kinds: readonly FrameKind[],
  refusalsPerSecond: number,
  seed = 7,
): Promise<FuzzCounts> {
  const counts = emptyCounts();
  const factory = new FrameFactory(seed, { kinds });
  let taken = 0;
  while (taken < frames) {
    await runFuzzConnection({
      url,
      token: TEST_TOKEN,
      factory,
      counts,
      documented,
      window: 16,
      refusalsPerSecond,
      take: () => (taken < frames ? (taken++, true) : false),
      opening: 'hello',
      drainMs: 300,
    });
  }
  return counts;
}

/**
 * A server that speaks just enough protocol (welcome, pong with the ping's id) and swallows
 * everything else: the fuzzer must count every frame that needed an answer as unanswered.
 */
async function startSilentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/v1/stream' });
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      let message: { type?: string; id?: string };
      try {
        message = JSON.parse(data.toString()) as { type?: string; id?: string };
      } catch {
        return;
      }
      if (message.type === 'hello')
        socket.send(
          '{"type":"welcome","seq":0,"ts":1,"protocol":1,"session_id":"s","resumed":false,"last_seq":0,"server":{"name":"silent","version":"0"},"heartbeat_ms":5000,"max_payload":262144}',
        );
      if (message.type === 'ping' && typeof message.id === 'string')
        socket.send(JSON.stringify({ type: 'pong', seq: 0, ts: 1, id: message.id, ping_ts: 1 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the chaos fuzzer', () => {
  it("draws valid messages that pass the gateway's own validator", () => {
    const factory = new FrameFactory(1);
    const validator = new ClientMessageValidator();
    const context = { seq: 0 };
    for (let i = 0; i < 3000; i++) {
      const message = factory.validMessage(context);
      expect(validator.validate(message)).toBeUndefined();
      expect(message['seq']).toBe(i + 1);
    }
  });

  it('makes the same frames from the same seed, and every common kind in 20,000 frames', () => {
    const draw = (seed: number) => {
      const factory = new FrameFactory(seed, { nowMicros: () => 1_000_000 });
      const context = { seq: 0 };
      return Array.from({ length: 20_000 }, () => factory.next(context));
    };
    const first = draw(3);
    expect(draw(3).map((frame) => frame.data)).toEqual(first.map((frame) => frame.data));
    const kinds = new Set(first.map((frame) => frame.kind));
    for (const kind of FRAME_KINDS.filter((k) => k !== 'fragments' && k !== 'oversize'))
      expect(kinds).toContain(kind);
  });

  it('builds the closing frames the way §5 says they close', () => {
    const factory = new FrameFactory(5);
    const context = { seq: 0 };
    expect(factory.frame('binary', context).binary).toBe(true);
    expect((factory.frame('oversize', context).data as string).length).toBeGreaterThan(262_144);
    expect((factory.frame('fragments', context).data as string[]).length).toBeGreaterThan(16_384);
    expect(Buffer.isBuffer(factory.frame('invalid-utf8', context).data)).toBe(true);
    for (const code of Object.values(CLOSING_KINDS)) expect(documented).toContain(code);
  });

  it('reads every close code the server can send from docs/protocol.md §5', () => {
    for (const code of [...Object.values(CLOSE_CODES), ...Object.keys(WEBSOCKET_CLOSE_CODES).map(Number)])
      expect(documented).toContain(code);
    expect(documented).not.toContain(1011);
  });

  it('finds every frame answered by the real gateway, or closed with a documented code', async () => {
    engine = await startTestEngine();
    const url = `http://127.0.0.1:${String(engine.http.port)}`;
    // Flooding: connections end with 4003 after 100 refusals, and the fuzzer opens the next.
    const counts = await fuzz(
      url,
      1000,
      FRAME_KINDS.filter((k) => k !== 'fragments'),
      Infinity,
    );
    expect(counts.frames).toBe(1000);
    expect(counts.unanswered).toBe(0);
    expect(counts.closedUndocumented).toBe(0);
    expect(counts.unexpectedCloses).toBe(0);
    expect(counts.answered + counts.closedDocumented).toBe(1000);
    expect(counts.answered).toBeGreaterThan(300);
    expect(counts.closeCodes['4003']).toBeGreaterThan(0);
  }, 60_000);

  it('counts every frame a silent engine swallows, except the client acks that need no answer', async () => {
    silent = await startSilentServer();
    const kinds: FrameKind[] = ['valid', 'mutated', 'truncated', 'control', 'random-text'];
    const counts = await fuzz(silent.url, 400, kinds, Infinity);
    expect(counts.frames).toBe(400);
    expect(counts.closedDocumented + counts.closedUndocumented).toBe(0);
    // Control frames are either a ping (its pong is its answer) or an ack (needs none): both answered.
    expect(counts.unanswered).toBe(400 - (counts.byKind.control ?? 0));
    expect(counts.answered).toBe(counts.byKind.control ?? 0);
  }, 60_000);
});
