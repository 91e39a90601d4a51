import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { ErrorCode } from '../../core/error-codes.js';
import { bearerToken } from './bearer.js';
import { throttleOf, type FailedAuthThrottle } from './failed-auth-throttle.js';
import { roleAllows, type Authenticate, type Principal, type Role } from './roles.js';

/** What the auth middleware puts on the context: `c.get('principal')` in a route. */
export interface AuthVariables {
  principal: Principal;
}

/** The Hono environment of a route behind `requireRole`. */
export interface AuthEnv {
  Variables: AuthVariables;
}

export interface RequireRoleOptions {
  /** Default: the throttle shared by everything guarded by the same `authenticate` (the gateway too). */
  readonly throttle?: FailedAuthThrottle;
  /** Called once when an address becomes throttled (one log line); default a line on standard error. */
  readonly onThrottled?: (address: string) => void;
}

/** The body of every refusal: `{ "error": { "code": "API_FORBIDDEN", "message": "…" } }`. */
export function refusal(c: Context, status: 401 | 403 | 429, code: ErrorCode, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/** The peer's address on Node's server (`unknown` when the app is called without one). */
export function remoteAddress(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket.remoteAddress ?? 'unknown';
}

function logThrottled(address: string): void {
  process.stderr.write(
    `api: too many failed authentications from ${address}: refused with 429 for a while [API_AUTH_THROTTLED]\n`,
  );
}

/**
 * Lets a request through only with an `Authorization: Bearer` token of a role that allows `role`
 * (roles.ts), and sets its holder as `c.get('principal')`. Refuses with 401 and
 * `WWW-Authenticate: Bearer` (no token, a malformed header, an unknown token), 403 (a valid token
 * whose role is too low) or 429 with `Retry-After` (too many failures from this address: refused
 * without looking at the token, so guessing gains nothing).
 */
export function requireRole(
  authenticate: Authenticate,
  role: Role,
  options: RequireRoleOptions = {},
): MiddlewareHandler<AuthEnv> {
  const throttle = options.throttle ?? throttleOf(authenticate);
  const onThrottled = options.onThrottled ?? logThrottled;
  return async (c, next) => {
    const address = remoteAddress(c);
    const wait = throttle.throttledFor(address);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return refusal(
        c,
        429,
        'API_AUTH_THROTTLED',
        `too many failed authentications: retry in ${String(wait)} s`,
      );
    }
    const token = bearerToken(c.req.header('authorization'));
    const principal = token === undefined ? undefined : authenticate(token);
    if (!principal) {
      if (throttle.recordFailure(address)) onThrottled(address);
      c.header('WWW-Authenticate', 'Bearer realm="enigma-apex"');
      return refusal(
        c,
        401,
        'API_UNAUTHORIZED',
        token === undefined
          ? 'send a token in the header Authorization: Bearer <token> (enigma token create)'
          : 'the token is not known (revoked, or from another data directory)',
      );
    }
    if (!roleAllows(principal.role, role))
      return refusal(
        c,
        403,
        'API_FORBIDDEN',
        `the token '${principal.name}' has role ${principal.role}; this needs ${role}`,
      );
    c.set('principal', principal);
    await next();
    return undefined;
  };
}
