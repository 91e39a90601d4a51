import type { AccountView, CommandOutcome } from './types.js';

/** The REST API of the engine that served this page (same origin: no CORS, no other host). */
export const API_BASE = '/api/v1';

/** A refusal the engine answered (401, 403, 404, 429, 503…), with its error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${API_BASE}${path}`, {
    method,
    cache: 'no-store',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined;
  return new ApiError(
    response.status,
    body?.error?.code ?? `HTTP_${String(response.status)}`,
    body?.error?.message ?? response.statusText,
  );
}

/** Resolves when the engine accepts the token (it reads the status), else throws ApiError. */
export async function checkToken(token: string): Promise<void> {
  const response = await call('GET', '/status', token);
  if (!response.ok) throw await errorOf(response);
}

export async function readAccounts(token: string): Promise<AccountView[]> {
  const response = await call('GET', '/accounts', token);
  if (!response.ok) throw await errorOf(response);
  return ((await response.json()) as { items: AccountView[] }).items;
}

/**
 * Sends a command (`/accounts/halt`, `/accounts/resume`): the engine's outcome, done (200) or
 * refused with its reason (409); other refusals throw ApiError.
 */
export async function command(path: string, token: string, body: unknown = {}): Promise<CommandOutcome> {
  const response = await call('POST', path, token, body);
  if (response.status === 200 || response.status === 409) return (await response.json()) as CommandOutcome;
  throw await errorOf(response);
}

/** A list the API answers as `{ items }` (`/proposals`, `/decisions?limit=50`…), else throws ApiError. */
export async function readItems<T>(path: string, token: string): Promise<T[]> {
  const response = await call('GET', path, token);
  if (!response.ok) throw await errorOf(response);
  return ((await response.json()) as { items: T[] }).items;
}
