import type { Context, Hono } from 'hono';
import type { Logger } from '../../core/log/logger.js';
import { loadDashboardFiles, type DashboardFile } from './dashboard-files.js';

/**
 * The page may load only its own scripts and styles and talk only to its own origin (the API and
 * the live stream); no inline script, no framing, no forms posting elsewhere. Preact sets styles
 * through the CSSOM, which `style-src 'self'` allows.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Hashed asset names change with their content: a browser may keep them for a year. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

export interface DashboardOptions {
  /** Where the bundle is; default `build/dashboard/`. Read once, at mount. */
  readonly dir?: string;
  readonly logger?: Logger;
}

function send(c: Context, file: DashboardFile, cacheControl: string): Response {
  return new Response(file.body, {
    status: 200,
    headers: {
      'content-type': file.contentType,
      'cache-control': cacheControl,
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      ...(c.req.method === 'HEAD' && { 'content-length': String(file.body.byteLength) }),
    },
  });
}

/**
 * Serves the dashboard at `/` (index.html, never cached) and `/assets/<file>` (hashed, cached).
 * Only these paths: the API, `/metrics` and the streams keep their own routes. Without a bundle,
 * `/` answers 503 `DASHBOARD_NOT_BUILT` and says how to build it.
 */
export function mountDashboard(app: Hono, options: DashboardOptions = {}): void {
  const files = loadDashboardFiles(options.dir);
  if (!files) options.logger?.warn('the dashboard is not built (npm run build:dashboard): / answers 503');
  app.get('/', (c) =>
    files
      ? send(c, files.index, 'no-store')
      : c.json(
          {
            error: {
              code: 'DASHBOARD_NOT_BUILT',
              message: 'the dashboard is not built: run `npm run build` (or `npm run build:dashboard`)',
            },
          },
          503,
        ),
  );
  app.get('/assets/:file', (c) => {
    const file = files?.assets.get(c.req.param('file'));
    return file
      ? send(c, file, ASSET_CACHE)
      : c.json({ error: { code: 'API_NOT_FOUND', message: 'no such dashboard file' } }, 404);
  });
}
