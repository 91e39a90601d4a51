import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../core/error-codes.js';

/** An HTTP refusal of a WebSocket upgrade, written before any frame (docs/protocol.md §1). */
export interface UpgradeRefusal {
  readonly status: 401 | 403 | 404 | 503;
  readonly code: ErrorCode;
}

const STATUS_TEXT: Record<UpgradeRefusal['status'], string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

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

/** Decides whether an upgrade request may become a gateway connection. */
export class UpgradeGuard {
  private readonly tokenDigest: Buffer;

  constructor(
    token: string,
    private readonly allowedOrigins: ReadonlySet<string>,
  ) {
    this.tokenDigest = digest(token);
  }

  check(request: IncomingMessage): UpgradeRefusal | undefined {
    const origin = request.headers.origin;
    if (!bearerTokenMatches(request.headers.authorization, this.tokenDigest)) {
      return { status: 401, code: 'GATEWAY_AUTH_FAILED' };
    }
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
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
