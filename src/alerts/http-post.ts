import type { ChannelRequest } from './channel-requests.js';

/** How one POST ended: a 2xx answer, another answer, or no answer. */
export interface PostResult {
  readonly ok: boolean;
  readonly httpStatus?: number;
  readonly error?: string;
}

/** Words for a failed fetch without its URL (a Telegram bot token or a Slack webhook is in the URL). */
function failure(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'no answer in time';
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return `connection failed (${cause.code})`;
  return 'connection failed';
}

/** One POST of a channel's request, with a time limit. Never throws. */
export async function postOnce(
  request: ChannelRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PostResult> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    // Read the answer to the end so the connection is reused; a refusal's text says why.
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true, httpStatus: response.status };
    const said = text.trim().slice(0, 200).replaceAll(/\s+/g, ' ');
    return {
      ok: false,
      httpStatus: response.status,
      error: `answered ${String(response.status)}${said === '' ? '' : `: ${said}`}`,
    };
  } catch (error) {
    return { ok: false, error: failure(error) };
  }
}
