import type { MiddlewareHandler } from 'hono';
import type { ErrorCode } from '../../core/error-codes.js';
import { roleAllows, type Authenticate } from '../auth/roles.js';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Lets a request through only with an `Authorization: Bearer` token whose role may read
 * (`viewer` and up): 401 with `WWW-Authenticate: Bearer` for no token or an unknown one, 403 for a
 * token whose role may not read (the AddOn's). The same answers as the auth part's
 * `requireRole(authenticate, 'viewer')`, which replaces this when both are on one branch.
 */
export function viewerOnly(authenticate: Authenticate): MiddlewareHandler {
  return async (c, next) => {
    const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    const principal = token === undefined ? undefined : authenticate(token);
    const refuse = (status: 401 | 403, code: ErrorCode, message: string) =>
      c.json({ error: { code, message } }, status);
    if (!principal) {
      c.header('WWW-Authenticate', 'Bearer realm="enigma-apex"');
      return refuse(
        401,
        'API_UNAUTHORIZED',
        token === undefined
          ? 'send a token in the header Authorization: Bearer <token> (enigma token create --role viewer)'
          : 'the token is not known (revoked, or from another data directory)',
      );
    }
    if (!roleAllows(principal.role, 'viewer'))
      return refuse(403, 'API_FORBIDDEN', `a token of role ${principal.role} may not read metrics`);
    await next();
    return undefined;
  };
}
