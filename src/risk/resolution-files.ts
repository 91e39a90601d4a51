import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folder in the data directory where `enigma resolve` leaves one file per request. */
export const RESOLUTIONS_DIR_NAME = 'risk-resolutions';

export interface ResolutionRequest {
  readonly account: string;
  readonly by: string;
}

/**
 * `enigma resolve` → a running engine, as files (like `enigma confirm`): the CLI writes
 * `risk-resolutions/<account>.json`; the engine reads, applies and deletes it.
 */
export class ResolutionFiles {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, RESOLUTIONS_DIR_NAME);
  }

  request(request: ResolutionRequest): string {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${encodeURIComponent(request.account)}.json`);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(request)}\n`);
    renameSync(temporary, path);
    return path;
  }

  /** Reads and deletes every request (unreadable ones are deleted too). */
  take(): ResolutionRequest[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
    const requests: ResolutionRequest[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ResolutionRequest>;
        if (typeof parsed.account === 'string')
          requests.push({ account: parsed.account, by: String(parsed.by ?? 'cli') });
      } catch {
        // Unreadable: dropped; the account stays REDUCING and the person sees it.
      }
      rmSync(path, { force: true });
    }
    return requests;
  }
}
