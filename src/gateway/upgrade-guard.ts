import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../core/error-codes.js';
import { bearerToken } from '../server/auth/bearer.js';
import { throttleOf, type FailedAuthThrottle } from '../server/auth/failed-auth-throttle.js';
import type { Authenticate } from '../server/auth/roles.js';

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
 * token (a token of role `addon`, with failed attempts throttled per remote address, in the same
 * buckets as the API's), the browser origin.
 */
export class UpgradeGuard {
  constructor(
    private readonly authenticate: Authenticate,
    private readonly allowedOrigins: ReadonlySet<string>,
    /** Called once when an address becomes throttled. */
    private readonly onThrottled: (address: string) => void = () => undefined,
    private readonly throttle: FailedAuthThrottle = throttleOf(authenticate),
  ) {}

  check(request: IncomingMessage): UpgradeRefusal | undefined {
    const offered = offeredSubprotocols(request);
    if (offered.length > 0 && !offered.includes(GATEWAY_SUBPROTOCOL))
      return { status: 400, code: 'GATEWAY_SUBPROTOCOL_REFUSED' };
    const address = request.socket.remoteAddress ?? 'unknown';
    // A throttled address is refused without looking at its token, so guessing gains nothing.
    const wait = this.throttle.throttledFor(address);
    if (wait > 0) return { status: 429, code: 'GATEWAY_AUTH_THROTTLED', retryAfterSeconds: wait };
    const token = bearerToken(request.headers.authorization);
    const principal = token === undefined ? undefined : this.authenticate(token);
    if (!principal) {
      if (this.throttle.recordFailure(address)) this.onThrottled(address);
      return { status: 401, code: 'GATEWAY_AUTH_FAILED' };
    }
    // A person's token (viewer, trader, admin) is valid but not for streaming as the AddOn.
    if (principal.role !== 'addon') return { status: 403, code: 'API_FORBIDDEN' };
    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(origin))
      return { status: 403, code: 'GATEWAY_ORIGIN_REFUSED' };
    return undefined;
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
