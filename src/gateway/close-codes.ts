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
} as const satisfies Partial<Record<ErrorCode, number>>;

/** Close codes after which a client must not reconnect on its own. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_CODES.GATEWAY_UNSUPPORTED_PROTOCOL,
  CLOSE_CODES.GATEWAY_SESSION_REPLACED,
]);
