import type { MiddlewareHandler } from 'hono';

/**
 * Cross-origin calls are closed: a browser preflight (OPTIONS with an `Origin`) is refused with
 * 403, and no response carries an `Access-Control-Allow-*` header, so a page from another site
 * cannot call the API with a token (a bearer header always needs a preflight). The engine's own
 * dashboard is served from the same origin and needs none of this.
 */
export function closedCors(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS' && c.req.header('origin') !== undefined) {
      return c.json(
        {
          error: {
            code: 'API_CORS_REFUSED',
            message: 'cross-origin requests are not allowed: call the API from the same origin',
          },
        },
        403,
      );
    }
    await next();
    for (const name of [...c.res.headers.keys()])
      if (name.toLowerCase().startsWith('access-control-allow-')) c.res.headers.delete(name);
    return undefined;
  };
}
