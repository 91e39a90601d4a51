import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { describeError, PipelineDefinitionError } from '../core/errors.js';

/**
 * The folders a running engine may start pipeline files from: its `pipelines/` folder and the
 * folders of the pipelines it started with. A pipeline file is code (its `modules` are imported,
 * its sources read files, its sinks write them), so a client of the API may only name files the
 * operator put in one of these folders, never an arbitrary path on the host.
 */
export class PipelineFolders {
  private readonly folders: string[] = [];
  /** Where relative names are looked up (the engine's `pipelines/` folder), absolute. */
  readonly home: string;

  constructor(home: string) {
    this.home = resolve(home);
    this.allow(this.home);
  }

  allow(folder: string): void {
    const absolute = resolve(folder);
    if (!this.folders.includes(absolute)) this.folders.push(absolute);
  }

  get list(): readonly string[] {
    return this.folders;
  }

  /**
   * The real path of `file` (relative names from `home`) when it lies in an allowed folder, after
   * symbolic links and `..` are resolved. Throws a PipelineDefinitionError otherwise.
   */
  resolve(file: string): string {
    const wanted = resolve(this.home, file);
    let real: string;
    try {
      real = realpathSync(wanted);
    } catch (error) {
      throw new PipelineDefinitionError([
        { code: 'PIPELINE_FILE_UNREADABLE', file, message: `cannot read the file: ${describeError(error)}` },
      ]);
    }
    const inside = this.folders.some((folder) => {
      const root = realFolder(folder);
      if (root === undefined) return false;
      const path = relative(root, real);
      return path !== '' && path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
    });
    if (!inside) {
      throw new PipelineDefinitionError([
        {
          code: 'PIPELINE_PATH_REFUSED',
          file,
          message: `not in the engine's pipeline folders (${this.folders.join(', ')}): put the file in one of them`,
        },
      ]);
    }
    return real;
  }
}

/** The folder's real path, or undefined when it does not exist. */
function realFolder(folder: string): string | undefined {
  try {
    return realpathSync(folder);
  } catch {
    return undefined;
  }
}
