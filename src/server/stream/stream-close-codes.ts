import type { ErrorCode } from '../../core/error-codes.js';

/** WebSocket close codes of the live stream (docs/api-stream.md §5); the reason is the error code. */
export const STREAM_CLOSE_CODES = {
  STREAM_SHUTTING_DOWN: 1001,
  STREAM_INTERNAL_ERROR: 1011,
  STREAM_AUTH_FAILED: 4401,
  STREAM_FORBIDDEN: 4403,
  STREAM_AUTH_TIMEOUT: 4408,
  STREAM_FLOOD: 4429,
  STREAM_SLOW_CONSUMER: 4504,
} as const satisfies Partial<Record<ErrorCode, number>>;

export type StreamCloseCode = keyof typeof STREAM_CLOSE_CODES;

/** Close codes after which a client must not reconnect with the same token on its own. */
export const STREAM_FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  STREAM_CLOSE_CODES.STREAM_AUTH_FAILED,
  STREAM_CLOSE_CODES.STREAM_FORBIDDEN,
]);
