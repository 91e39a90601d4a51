import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { Logger } from '../core/log/logger.js';
import { requestLog } from './request-log.js';
import { closedCors } from './auth/closed-cors.js';

export interface HttpServerOptions {
  /** Interface to bind; default 127.0.0.1 (the engine is not reachable from the network unless asked). */
  readonly host?: string;
  /** Port; 0 picks a free one (tests). Default 0. */
  readonly port?: number;
  /**
   * The Hono app with the engine's routes (dashboard, REST API). Register routes before starting:
   * Hono builds its router on the first request. Default: an app with `GET /healthz` only.
   */
  readonly app?: Hono;
  /** Without `app`: the default app logs every call here (`requestLog`). */
  readonly logger?: Logger;
}

export interface HttpServerHandle {
  readonly app: Hono;
  /** The Node server; the gateway attaches its WebSocket upgrades here. */
  readonly server: Server;
  readonly host: string;
  /** The port actually bound. */
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  /** Stops accepting, ends open connections, resolves when the server is closed; idempotent. */
  close(): Promise<void>;
}

/** A Hono app with the routes every engine has; with a logger, every call is logged (`requestLog`). */
export function createEngineApp(options: { readonly logger?: Logger } = {}): Hono {
  const app = new Hono();
  if (options.logger) app.use('*', requestLog(options.logger));
  app.use('*', closedCors());
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  return app;
}

/** Starts the engine's HTTP server (Hono on Node's http), listening once the promise resolves. */
export async function startHttpServer(options: HttpServerOptions = {}): Promise<HttpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const app = options.app ?? createEngineApp(options.logger ? { logger: options.logger } : {});
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    app,
    server,
    host,
    port,
    url: `http://${urlHost}:${String(port)}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Parses `--listen host:port` (`127.0.0.1:0`, `:8080`, `[::1]:9000`); the host defaults to 127.0.0.1. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65_535)
    throw new Error(`'${text}' is not host:port, e.g. 127.0.0.1:8080 or 127.0.0.1:0`);
  return { host: match[1] ?? (match[2] === '' || match[2] === undefined ? '127.0.0.1' : match[2]), port };
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The warning to print when the engine listens beyond this machine, or undefined on loopback. */
export function exposureWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  const where = host === '0.0.0.0' || host === '::' || host === '' ? 'EVERY network interface' : host;
  return (
    `WARNING: the engine listens on ${where}: anyone who can reach this machine and has the token ` +
    `can stream data and change accounts. Bind 127.0.0.1 unless the AddOn runs on another machine, ` +
    `and then only behind a firewall or a TLS tunnel.`
  );
}
