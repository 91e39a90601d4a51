import WebSocket from 'ws';
import { CLOSING_KINDS, helloText, type FrameContext, type FrameFactory } from './fuzz-frames.js';
import { ConnectionLedger, type FuzzCounts } from './fuzz-ledger.js';

export interface FuzzConnectionOptions {
  readonly url: string;
  readonly token: string;
  readonly factory: FrameFactory;
  readonly counts: FuzzCounts;
  readonly documented: ReadonlySet<number>;
  /** Most frames in flight (sent, sentinel not back). */
  readonly window: number;
  /**
   * Refusals the connection may cause per second: under the engine's flood limit (100) for a
   * paced connection, so all its frames are handled; Infinity for one that floods until closed 4003.
   */
  readonly refusalsPerSecond: number;
  /** Takes one frame from the run's quota; false when the run is over. */
  readonly take: () => boolean;
  /** How the connection opens: a proper hello, or a broken opening (first message not a hello, protocol 2). */
  readonly opening: 'hello' | 'not-hello' | 'protocol-2';
  /** How long to wait for the last answers and acks after the quota ends. */
  readonly drainMs: number;
}

function wsUrl(url: string): string {
  const target = new URL(url);
  if (target.protocol === 'http:') target.protocol = 'ws:';
  target.pathname = '/v1/stream';
  return target.toString();
}

const sentinelText = (n: number): string => `{"type":"ping","seq":0,"ts":1,"id":"s${String(n)}"}`;

/**
 * One fuzzing connection: opens (or breaks the opening), sends frames from the factory each
 * followed by a sentinel ping, and accounts for every one (fuzz-ledger.ts). Resolves when the
 * engine closes it or, after the quota, once its frames are answered (or `drainMs` passed).
 */
export function runFuzzConnection(options: FuzzConnectionOptions): Promise<void> {
  const { counts } = options;
  const ledger = new ConnectionLedger(counts, options.documented);
  const context: FrameContext = { seq: 0 };
  const socket = new WebSocket(wsUrl(options.url), {
    headers: { Authorization: `Bearer ${options.token}` },
    perMessageDeflate: false,
    maxPayload: 64 * 1024 * 1024,
  });
  let sentinel = 0;
  let quotaDone = false;
  let closing = false;
  /** A closing frame was sent: nothing more goes out, so the close it causes is the one seen. */
  let doomed = false;
  /** Send times and predicted refusals of recent frames (the pacing window). */
  const recent: { at: number; refusals: number }[] = [];
  let recentRefusals = 0;
  let paceTimer: NodeJS.Timeout | undefined;

  return new Promise<void>((resolve) => {
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(paceTimer);
      resolve();
    };
    const closeOurselves = (): void => {
      if (closing) return;
      closing = true;
      ledger.finished();
      socket.close(1000);
      setTimeout(() => {
        socket.terminate();
        finish();
      }, 2000).unref();
    };

    const pump = (): void => {
      if (closing || doomed || socket.readyState !== WebSocket.OPEN) return;
      const now = performance.now();
      while (recent.length > 0 && (recent[0] as { at: number }).at < now - 1100) {
        recentRefusals -= (recent.shift() as { refusals: number }).refusals;
      }
      while (!quotaDone && ledger.inFlight < options.window) {
        if (recentRefusals >= options.refusalsPerSecond) {
          clearTimeout(paceTimer);
          paceTimer = setTimeout(pump, 50);
          return;
        }
        if (!options.take()) {
          quotaDone = true;
          break;
        }
        const frame = options.factory.next(context);
        recent.push({ at: now, refusals: frame.refusals });
        recentRefusals += frame.refusals;
        sentinel += 1;
        ledger.sent(frame, sentinel, CLOSING_KINDS[frame.kind]);
        if (Array.isArray(frame.data)) {
          const pieces = frame.data as readonly string[];
          pieces.forEach((piece, index) => socket.send(piece, { fin: index === pieces.length - 1 }));
        } else {
          socket.send(frame.data as string | Buffer, { binary: frame.binary });
        }
        if (CLOSING_KINDS[frame.kind] !== undefined) {
          doomed = true; // the engine ends the connection now
          return;
        }
        socket.send(sentinelText(sentinel));
      }
      if (quotaDone && ledger.inFlight === 0 && ledger.waitingForAcks === 0) closeOurselves();
    };

    socket.on('unexpected-response', (_request, response) => {
      counts.refusedUpgrades += 1;
      response.resume();
      socket.terminate();
      finish();
    });
    socket.on('error', () => undefined);
    socket.once('open', () => {
      counts.connections += 1;
      const ts = Date.now() * 1000;
      if (options.opening === 'hello') socket.send(helloText(ts));
      else if (options.opening === 'protocol-2')
        socket.send(helloText(ts).replace('"protocol":1', '"protocol":2'));
      else socket.send(`{"type":"ping","seq":0,"ts":${String(ts)}}`);
    });
    socket.on('message', (data: Buffer) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        ledger.answer('UNPARSEABLE_ENGINE_FRAME');
        return;
      }
      for (const message of (Array.isArray(parsed) ? parsed : [parsed]) as {
        type?: string;
        id?: string;
        code?: string;
        last_seq?: number;
      }[]) {
        switch (message.type) {
          case 'welcome':
            pump();
            break;
          case 'pong':
            if (typeof message.id === 'string' && /^s\d+$/.test(message.id)) {
              ledger.sentinel(Number(message.id.slice(1)));
              pump();
            } else ledger.answer();
            break;
          case 'error':
            ledger.answer(message.code ?? 'no code');
            break;
          case 'ack':
            ledger.ack(message.last_seq ?? 0);
            if (quotaDone && ledger.inFlight === 0 && ledger.waitingForAcks === 0) closeOurselves();
            break;
          default:
            break; // engine commands (snapshot_request after a gap, …) need no answer here
        }
      }
    });
    socket.once('close', (code) => {
      if (!closing) ledger.closed(code);
      finish();
    });
    // After the quota, give the last frames `drainMs` to be answered, then close.
    const drainCheck = setInterval(() => {
      if (!quotaDone || closing) return;
      clearInterval(drainCheck);
      setTimeout(closeOurselves, options.drainMs).unref();
    }, 100);
    drainCheck.unref();
    socket.once('close', () => clearInterval(drainCheck));
  });
}
