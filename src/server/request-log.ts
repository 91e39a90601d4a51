import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../core/log/logger.js';

/** What the request log sets on each call's context: `c.get('requestId')`, `c.get('log')`. */
export interface RequestLogVariables {
  /** Sent back as `X-Request-Id` and on every log line of the call. */
  requestId: string;
  /** The call's logger: its lines carry the request id. */
  log: Logger;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An id a client may choose for its call (its own correlation id); anything else gets a new one. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Hono middleware for the API: gives every call a request id (the client's `X-Request-Id` when it
 * is short and plain, else a new UUID), answers it in `X-Request-Id`, hands the handlers a child
 * logger that puts it on every line, and logs one line when the call ends: method, path (never the
 * query, which could hold a token), status and duration. Headers are never logged. 5xx log as
 * errors, 401 and 403 as warnings, the rest as info.
 *
 * @example
 * app.use('*', requestLog(logger.child({ component: 'api' })));
 */
export function requestLog(logger: Logger): MiddlewareHandler<{ Variables: RequestLogVariables }> {
  return async (c, next) => {
    const offered = c.req.header(REQUEST_ID_HEADER);
    const requestId = offered !== undefined && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    const started = performance.now();
    await next();
    c.header(REQUEST_ID_HEADER, requestId);
    const status = c.res.status;
    const line = {
      method: c.req.method,
      path: c.req.path,
      status,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    const message = `${c.req.method} ${c.req.path} ${String(status)}`;
    if (status >= 500) log.error(line, message);
    else if (status === 401 || status === 403) log.warn(line, message);
    else log.info(line, message);
  };
}
