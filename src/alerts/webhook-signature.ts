import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook: the Unix time in seconds, and `sha256=<hex>` over `<time>.<body>`. */
export const TIMESTAMP_HEADER = 'x-enigma-timestamp';
export const SIGNATURE_HEADER = 'x-enigma-signature';

/**
 * The signature of a webhook body: HMAC-SHA256 with the channel's secret over the timestamp, a
 * dot and the exact body bytes. Signing the time with the body lets a receiver refuse a replayed
 * request (a time too far from its clock) without being able to forge a fresh one.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret)
    .update(`${String(timestampSeconds)}.${body}`)
    .digest('hex')}`;
}

/**
 * What a receiver does: recompute the signature and compare in constant time, and refuse a
 * timestamp more than `toleranceSeconds` from its own clock (default 300).
 */
export function verifyWebhook(
  secret: string,
  headers: { readonly timestamp: string | undefined; readonly signature: string | undefined },
  body: string,
  nowSeconds: number = Date.now() / 1000,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isSafeInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
