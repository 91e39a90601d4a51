import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

/** Faults the bare engine commits on purpose (tests of the accounting): on its orders and acks. */
export interface Faults {
  /** Never send the order with this seq. */
  readonly drop?: readonly number[];
  /** Send the order with this seq twice in a row. */
  readonly duplicate?: readonly number[];
  /** Send the order with seq `n + 1` before the one with seq `n`. */
  readonly swap?: readonly number[];
  /** Acknowledge all but this many of the client's last messages. */
  readonly withholdAcks?: number;
  /** Once, right after an ack, send an ack one lower (an ack going backwards). */
  readonly ackBackwards?: boolean;
}

export interface BareEngine {
  readonly url: string;
  /** Client messages received, signals among them. */
  readonly received: { messages: number; signals: number };
  close(): Promise<void>;
}

interface ClientFrame {
  readonly type: string;
  readonly seq: number;
  readonly ts: number;
}

/**
 * A bare engine on loopback that speaks just enough of protocol v1 (hello → welcome, an ack per
 * frame, one `order` per `signal` with `signal_ts`), with no validation, sessions, pipeline or
 * store. Two uses: the floor the real engine is compared with in the same run (what sockets, JSON
 * and the machine cost by themselves), and, with `faults`, an engine that misbehaves on purpose so
 * the load generator's loss, duplicate and reorder accounting can be tested against known faults.
 */
export async function startBareEngine(token: string, faults: Faults = {}): Promise<BareEngine> {
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/v1/stream', perMessageDeflate: false });
  const received = { messages: 0, signals: 0 };
  const drop = new Set(faults.drop);
  const duplicate = new Set(faults.duplicate);
  const swap = new Set(faults.swap);
  wss.on('connection', (socket, request) => {
    if (request.headers.authorization !== `Bearer ${token}`) {
      socket.close(4000, 'GATEWAY_AUTH_FAILED');
      return;
    }
    let orderSeq = 0;
    let held: string | undefined;
    let highest = 0;
    let acked = 0;
    let wentBackwards = false;
    socket.on('message', (data: Buffer) => {
      const parsed = JSON.parse(data.toString()) as ClientFrame | ClientFrame[];
      const messages = Array.isArray(parsed) ? parsed : [parsed];
      const out: string[] = [];
      for (const message of messages) {
        if (message.type === 'hello') {
          out.push(
            JSON.stringify({
              type: 'welcome',
              seq: 0,
              ts: 0,
              protocol: 1,
              session_id: 'bare',
              resumed: false,
              last_seq: 0,
              server: { name: 'bare', version: '0' },
              heartbeat_ms: 5000,
              max_payload: 262_144,
            }),
          );
          continue;
        }
        if (message.seq === 0) continue;
        received.messages += 1;
        highest = message.seq;
        if (message.type !== 'signal') continue;
        received.signals += 1;
        orderSeq += 1;
        const order = JSON.stringify({
          type: 'order',
          seq: orderSeq,
          ts: 0,
          client_order_id: `bare-${String(orderSeq)}`,
          account: 'BENCH0',
          symbol: 'NQ 12-26',
          side: 'buy',
          quantity: 1,
          order_type: 'market',
          time_in_force: 'day',
          signal_ts: message.ts,
          reason: 'bare engine',
        });
        if (drop.has(orderSeq)) continue;
        if (swap.has(orderSeq)) {
          held = order;
          continue;
        }
        out.push(order);
        if (duplicate.has(orderSeq)) out.push(order);
        if (held !== undefined) {
          out.push(held);
          held = undefined;
        }
      }
      const ackTo = Math.max(0, highest - (faults.withholdAcks ?? 0));
      if (ackTo > acked) {
        acked = ackTo;
        out.push(JSON.stringify({ type: 'ack', seq: 0, ts: 0, last_seq: ackTo }));
        if (faults.ackBackwards && !wentBackwards && ackTo > 1) {
          wentBackwards = true;
          out.push(JSON.stringify({ type: 'ack', seq: 0, ts: 0, last_seq: ackTo - 1 }));
        }
      }
      // One message per frame or a batch, as the real engine may send either.
      if (out.length === 1) socket.send(out[0] as string);
      else if (out.length > 1) socket.send(`[${out.join(',')}]`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    received,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
