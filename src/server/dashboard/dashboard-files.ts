import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:dashboard` writes the bundle (`build/dashboard/`), from src/ and dist/ alike. */
export const DASHBOARD_BUILD_DIR = fileURLToPath(new URL('../../../build/dashboard/', import.meta.url));

/** The folder under the bundle that holds the hashed scripts and styles (`/assets/<name>`). */
export const ASSETS_DIR = 'assets';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface DashboardFile {
  readonly body: Uint8Array;
  readonly contentType: string;
}

export interface DashboardFiles {
  readonly index: DashboardFile;
  /** The assets by file name (`main-3F2A1B.js`); nothing outside the assets folder is reachable. */
  readonly assets: ReadonlyMap<string, DashboardFile>;
}

/** The content type of a bundle file; unknown extensions are served as bytes. */
export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Reads the built dashboard into memory (a few tens of KB), or undefined when it was not built.
 * Read once: the files never change under a running engine, and no request reaches the disk.
 */
export function loadDashboardFiles(dir: string = DASHBOARD_BUILD_DIR): DashboardFiles | undefined {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) return undefined;
  const assetsDir = join(dir, ASSETS_DIR);
  const names = existsSync(assetsDir) ? readdirSync(assetsDir) : [];
  return {
    index: { body: readFileSync(indexPath), contentType: contentTypeOf(indexPath) },
    assets: new Map(
      names.map((name) => [
        name,
        { body: readFileSync(join(assetsDir, name)), contentType: contentTypeOf(name) },
      ]),
    ),
  };
}
