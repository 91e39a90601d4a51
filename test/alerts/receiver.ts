import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the receiver got it. */
export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status it answered. */
  readonly status: number;
}

/**
 * A real HTTP server on loopback standing in for a webhook, ntfy, Telegram, Discord or Slack: it
 * records every request and answers with the next scripted status (then 200). `received(n)`
 * resolves once n requests have arrived.
 */
export class Receiver {
  readonly requests: Received[] = [];
  private readonly statuses: number[];
  private waiters: { count: number; resolve: () => void }[] = [];
  private constructor(
    private readonly server: Server,
    statuses: number[],
    /** Decides the status from the request (after the scripted ones); default 200. */
    private readonly judge: (request: Omit<Received, 'status'>) => number,
  ) {
    this.statuses = statuses;
  }

  static async start(
    options: { statuses?: number[]; judge?: (request: Omit<Received, 'status'>) => number } = {},
  ): Promise<Receiver> {
    const holder: { receiver?: Receiver } = {};
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () =>
        holder.receiver?.handle(
          request.method ?? '',
          request.url ?? '',
          request.headers,
          Buffer.concat(chunks).toString('utf8'),
          response,
        ),
      );
    });
    const receiver = new Receiver(server, [...(options.statuses ?? [])], options.judge ?? (() => 200));
    holder.receiver = receiver;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}`;
  }

  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  bodies(): unknown[] {
    return this.requests.map((request) => JSON.parse(request.body) as unknown);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: string,
    response: ServerResponse,
  ): void {
    const status = this.statuses.shift() ?? this.judge({ method, path, headers, body });
    this.requests.push({ method, path, headers, body, status });
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(status < 300 ? '{"ok":true}' : '{"ok":false,"description":"scripted failure"}');
    this.waiters = this.waiters.filter((waiter) => {
      if (this.requests.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }
}
