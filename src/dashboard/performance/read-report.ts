import { API_BASE, ApiError } from '../api-client.js';
import type { PeriodKind, Report } from './report-types.js';

/** `GET /api/v1/report?period=…`: the period's figures as the engine computes them, else ApiError. */
export async function readReport(period: PeriodKind, token: string): Promise<Report> {
  const response = await fetch(`${API_BASE}/report?period=${period}`, {
    cache: 'no-store',
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.ok) return (await response.json()) as Report;
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined;
  throw new ApiError(
    response.status,
    body?.error?.code ?? `HTTP_${String(response.status)}`,
    body?.error?.message ?? response.statusText,
  );
}
