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
 * Who is asking, or the refusal to answer: 401 with `WWW-Authenticate: Bearer` (no token, a
 * malformed header, an unknown token), 403 (a valid token whose role does not allow `role`; its
 * holder is returned as `refused`, for the audit log) or 429 with `Retry-After` (too many failures
 * from this address: refused without looking at the token, so guessing gains nothing). The one
 * place a request's token is judged; `requireRole` and the API's routes both ask it.
 */
export function checkRole(
  c: Context,
  authenticate: Authenticate,
  role: Role,
  options: RequireRoleOptions = {},
): { readonly principal: Principal } | { readonly response: Response; readonly refused?: Principal } {
  const throttle = options.throttle ?? throttleOf(authenticate);
  const address = remoteAddress(c);
  const wait = throttle.throttledFor(address);
  if (wait > 0) {
    c.header('Retry-After', String(wait));
    return {
      response: refusal(
        c,
        429,
        'API_AUTH_THROTTLED',
        `too many failed authentications: retry in ${String(wait)} s`,
      ),
    };
  }
  const token = bearerToken(c.req.header('authorization'));
  const principal = token === undefined ? undefined : authenticate(token);
  if (!principal) {
    // Only a wrong token is a guess; a request without one is not counted against its address.
    if (token !== undefined && throttle.recordFailure(address))
      (options.onThrottled ?? logThrottled)(address);
    c.header('WWW-Authenticate', 'Bearer realm="enigma-apex"');
    return {
      response: refusal(
        c,
        401,
        'API_UNAUTHORIZED',
        token === undefined
          ? 'send a token in the header Authorization: Bearer <token> (enigma token create)'
          : 'the token is not known (revoked, or from another data directory)',
      ),
    };
  }
  if (!roleAllows(principal.role, role))
    return {
      refused: principal,
      response: refusal(
        c,
        403,
        'API_FORBIDDEN',
        `the token '${principal.name}' has role ${principal.role}; this needs ${role}`,
      ),
    };
  return { principal };
}

/**
 * Lets a request through only with an `Authorization: Bearer` token of a role that allows `role`
 * (roles.ts), and sets its holder as `c.get('principal')`; refuses as `checkRole` says.
 */
export function requireRole(
  authenticate: Authenticate,
  role: Role,
  options: RequireRoleOptions = {},
): MiddlewareHandler<AuthEnv> {
  const settings = { ...options, throttle: options.throttle ?? throttleOf(authenticate) };
  return async (c, next) => {
    const decided = checkRole(c, authenticate, role, settings);
    if ('response' in decided) return decided.response;
    c.set('principal', decided.principal);
    await next();
    return undefined;
  };
}
