import type { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Authenticate } from '../auth/roles.js';
import { requireRole } from '../auth/require-role.js';

/** Where Prometheus scrapes (its default `metrics_path`). */
export const METRICS_PATH = '/metrics';

/**
 * Serves `GET /metrics` in the Prometheus text exposition (version 0.0.4), to a `viewer` token or
 * higher (`Authorization: Bearer`, Prometheus's `authorization: { credentials: … }`). Mount it
 * before the server takes traffic: Hono builds its router on the first request.
 */
export function mountMetrics(app: Hono, options: { authenticate: Authenticate; registry: Registry }): void {
  const { authenticate, registry } = options;
  app.get(METRICS_PATH, requireRole(authenticate, 'viewer'), async (c) =>
    c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }),
  );
}
