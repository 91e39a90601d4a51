import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../core/error-codes.js';

/** An HTTP refusal of a WebSocket upgrade, written before any frame (docs/protocol.md §1). */
export interface UpgradeRefusal {
  readonly status: 400 | 401 | 403 | 404 | 429 | 503;
  readonly code: ErrorCode;
  /** Seconds a throttled client should wait (429). */
  readonly retryAfterSeconds?: number;
}

const STATUS_TEXT: Record<UpgradeRefusal['status'], string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** The one WebSocket subprotocol the gateway speaks; a client may offer it or none. */
export const GATEWAY_SUBPROTOCOL = 'enigma-apex.v1';

/** Shortest bearer token the gateway accepts. */
export const MIN_TOKEN_LENGTH = 16;

/** Failed authentications an address may make in a burst, and how fast its allowance returns. */
const AUTH_FAILURE_BURST = 10;
const AUTH_FAILURES_PER_MINUTE = 6;
/** Addresses tracked at once; the least recently failing is forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Checks the bearer token in constant time (comparing digests, so lengths leak nothing either). */
export function bearerTokenMatches(header: string | undefined, expectedDigest: Buffer): boolean {
  if (header === undefined) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), expectedDigest);
}

/** Why a token cannot protect the gateway, or undefined when it can. */
export function tokenWeakness(token: string): string | undefined {
  if (token.trim() === '') return 'the token is blank';
  if (/\s/.test(token)) return 'the token contains white space, which a bearer header cannot carry';
  if (token.length < MIN_TOKEN_LENGTH)
    return `the token has ${String(token.length)} characters; use at least ${String(MIN_TOKEN_LENGTH)} (e.g. 32 random hex digits)`;
  return undefined;
}

/** The subprotocols a client offered (`Sec-WebSocket-Protocol`), trimmed. */
export function offeredSubprotocols(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  if (header === undefined) return [];
  return header
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Decides whether an upgrade request may become a gateway connection: the subprotocol, the bearer
 * token (with failed attempts throttled per remote address), the browser origin.
 */
export class UpgradeGuard {
  private readonly tokenDigest: Buffer;
  /** Remaining failure allowance per remote address, refilled over time (a token bucket). */
  private readonly failures = new Map<string, { allowance: number; at: number }>();

  constructor(
    token: string,
    private readonly allowedOrigins: ReadonlySet<string>,
    /** Called once when an address becomes throttled. */
    private readonly onThrottled: (address: string) => void = () => undefined,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.tokenDigest = digest(token);
  }

  check(request: IncomingMessage): UpgradeRefusal | undefined {
    const offered = offeredSubprotocols(request);
    if (offered.length > 0 && !offered.includes(GATEWAY_SUBPROTOCOL))
      return { status: 400, code: 'GATEWAY_SUBPROTOCOL_REFUSED' };
    const address = request.socket.remoteAddress ?? 'unknown';
    // A throttled address is refused without looking at its token, so guessing gains nothing.
    const wait = this.throttledFor(address);
    if (wait > 0) return { status: 429, code: 'GATEWAY_AUTH_THROTTLED', retryAfterSeconds: wait };
    if (!bearerTokenMatches(request.headers.authorization, this.tokenDigest)) {
      this.recordFailure(address);
      return { status: 401, code: 'GATEWAY_AUTH_FAILED' };
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(origin))
      return { status: 403, code: 'GATEWAY_ORIGIN_REFUSED' };
    return undefined;
  }

  /** Seconds until `address` may try again; 0 when it is not throttled. */
  private throttledFor(address: string): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const allowance = this.refill(entry);
    return allowance >= 1 ? 0 : Math.ceil(((1 - allowance) * 60) / AUTH_FAILURES_PER_MINUTE);
  }

  private refill(entry: { allowance: number; at: number }): number {
    const now = this.nowMs();
    entry.allowance = Math.min(
      AUTH_FAILURE_BURST,
      entry.allowance + ((now - entry.at) / 60_000) * AUTH_FAILURES_PER_MINUTE,
    );
    entry.at = now;
    return entry.allowance;
  }

  private recordFailure(address: string): void {
    let entry = this.failures.get(address);
    if (entry) {
      this.refill(entry);
      this.failures.delete(address);
    } else {
      entry = { allowance: AUTH_FAILURE_BURST, at: this.nowMs() };
      if (this.failures.size >= MAX_TRACKED_ADDRESSES) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
    }
    entry.allowance -= 1;
    this.failures.set(address, entry);
    if (entry.allowance < 1 && entry.allowance >= 0) this.onThrottled(address);
  }
}

/** Writes the refusal as a plain HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const body = refusal.code;
  const headers = [
    `HTTP/1.1 ${String(refusal.status)} ${STATUS_TEXT[refusal.status]}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${String(Buffer.byteLength(body))}`,
    ...(refusal.status === 401 ? ['WWW-Authenticate: Bearer realm="enigma-apex"'] : []),
    ...(refusal.retryAfterSeconds !== undefined ? [`Retry-After: ${String(refusal.retryAfterSeconds)}`] : []),
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
