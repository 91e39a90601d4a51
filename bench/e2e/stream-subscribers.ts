/**
 * Live-stream subscribers as their own process (started by processes.ts): `--count` WebSocket
 * clients on the engine's `/api/v1/stream`, each authenticated by its first message and subscribed
 * to every topic (and the bars of every instrument the generator sends), reading everything as a
 * dashboard tab would. Prints `ready` once every client has its snapshots; on SIGTERM prints
 * `stream <json>` (messages, items and drops received) and exits.
 *
 *   ENIGMA_STREAM_TOKEN=... tsx bench/e2e/stream-subscribers.ts --url ws://127.0.0.1:8686/api/v1/stream --count 5
 */
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { STREAM_TOPIC_NAMES } from '../../src/server/stream/stream-topics.js';
import { connectionPlan } from './wire.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    count: { type: 'string', default: '5' },
    connections: { type: 'string', default: '1' },
  },
});
const token = process.env['ENIGMA_STREAM_TOKEN'];
if (token === undefined || token === '' || values.url === undefined)
  throw new Error('set ENIGMA_STREAM_TOKEN and --url');
const url = values.url;

const topics = [...STREAM_TOPIC_NAMES] as string[];
for (let index = 0; index < Number(values.connections); index++)
  for (const symbol of connectionPlan(index).tickSymbols) topics.push(`bars:${symbol}`);

const received = { messages: 0, items: 0, dropped: 0, closes: 0 };

function subscriber(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let snapshots = 0;
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'auth', token }));
      socket.send(JSON.stringify({ type: 'subscribe', topics }));
    });
    socket.on('message', (data: Buffer) => {
      received.messages++;
      const message = JSON.parse(data.toString()) as { type: string; items?: unknown[]; dropped?: number };
      if (message.type === 'update') {
        received.items += message.items?.length ?? 0;
        received.dropped += message.dropped ?? 0;
      } else if (message.type === 'snapshot' && ++snapshots === topics.length) {
        resolve(socket);
      } else if (message.type === 'error') {
        reject(new Error(data.toString()));
      }
    });
    socket.on('close', () => received.closes++);
    socket.on('error', reject);
  });
}

const sockets = await Promise.all(Array.from({ length: Number(values.count) }, () => subscriber()));
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  for (const socket of sockets) socket.close();
  process.stdout.write(`stream ${JSON.stringify(received)}\n`);
  process.exit(0);
});
