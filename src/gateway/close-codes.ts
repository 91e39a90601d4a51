import type { ErrorCode } from '../core/error-codes.js';

/** WebSocket close codes of the errors that end a connection (docs/protocol.md §5). */
export const CLOSE_CODES = {
  GATEWAY_SHUTTING_DOWN: 1001,
  GATEWAY_BINARY_FRAME: 1003,
  GATEWAY_HELLO_REQUIRED: 4000,
  GATEWAY_UNSUPPORTED_PROTOCOL: 4001,
  GATEWAY_SESSION_REPLACED: 4002,
  GATEWAY_FLOOD: 4003,
  GATEWAY_SLOW_CONSUMER: 4004,
  /** A durable record the message needs (the fill ledger) cannot be written: resend it later. */
  STORE_UNAVAILABLE: 1013,
} as const satisfies Partial<Record<ErrorCode, number>>;

/** Close codes after which a client must not reconnect on its own. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.GATEWAY_UNSUPPORTED_PROTOCOL,
  CLOSE_CODES.GATEWAY_SESSION_REPLACED,
]);

/**
 * Close codes the WebSocket layer (ws) sends by itself, before a frame reaches the gateway, with
 * what each means for a client. 1006 is never sent: it is what a client sees when the connection
 * ends without a close frame (a missed heartbeat).
 */
export const WEBSOCKET_CLOSE_CODES: Readonly<Record<number, string>> = {
  1002: 'a malformed WebSocket frame (reserved bits, bad opcode, unmasked client frame)',
  1006: 'no close frame: terminated after a missed heartbeat',
  1007: 'a text frame that is not valid UTF-8',
  1008: 'a message split into too many fragments (more than 16,384)',
  1009: 'a frame or message larger than max_payload',
};
