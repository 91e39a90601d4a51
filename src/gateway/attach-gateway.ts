import type { Hono } from 'hono';
import type { MessageBus } from '../bus/bus.js';
import type { Logger } from '../core/log/logger.js';
import { startHttpServer, type HttpServerHandle } from '../server/http-server.js';
import { startGateway, type Gateway, type GatewayOptions } from './gateway.js';

export interface AttachGatewayOptions extends Omit<GatewayOptions, 'server' | 'bus'> {
  /** `--listen` host; default 127.0.0.1. */
  readonly host?: string;
  /** `--listen` port; 0 picks a free one. */
  readonly port?: number;
  /** An HTTP server already started (with the dashboard and API routes); else one is started. */
  readonly http?: HttpServerHandle;
  /** The routes of the server this call starts (the engine's API); default `/healthz` only. */
  readonly app?: Hono;
  /** Logs every API call of the HTTP server this call starts (not of one given in `http`). */
  readonly apiLogger?: Logger;
}

export interface AttachedGateway {
  readonly gateway: Gateway;
  readonly http: HttpServerHandle;
  /** `http://host:port`: what `enigma run --listen` prints as `listening <url>`. */
  readonly url: string;
  /** Closes the gateway, then the HTTP server if this call started it; idempotent. */
  close(): Promise<void>;
}

/**
 * The one call the engine makes for `enigma run --listen`: starts (or reuses) the HTTP server and
 * attaches the NinjaTrader gateway to it, on the engine's bus.
 */
export async function attachGateway(
  bus: MessageBus,
  options: AttachGatewayOptions = {},
): Promise<AttachedGateway> {
  const { host, port, http: given, app, apiLogger, ...gatewayOptions } = options;
  const http =
    given ??
    (await startHttpServer({
      ...(host !== undefined && { host }),
      ...(port !== undefined && { port }),
      ...(app !== undefined && { app }),
      ...(apiLogger && { logger: apiLogger }),
    }));
  let gateway: Gateway;
  try {
    gateway = startGateway({ ...gatewayOptions, server: http.server, bus });
  } catch (error) {
    if (!given) await http.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    gateway,
    http,
    url: http.url,
    close() {
      closing ??= gateway.close().then(() => (given ? undefined : http.close()));
      return closing;
    },
  };
}
