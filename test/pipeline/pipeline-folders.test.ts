import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineDefinitionError } from '../../src/core/errors.js';
import { PipelineFolders } from '../../src/pipeline/pipeline-folders.js';

function folders() {
  const root = mkdtempSync(join(tmpdir(), 'enigma-pipeline-folders-'));
  for (const name of ['pipelines', 'pipelines-evil', 'started']) mkdirSync(join(root, name));
  const home = join(root, 'pipelines');
  return { root, home, allowed: new PipelineFolders(home) };
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof PipelineDefinitionError) return error.issues[0]?.code;
    throw error;
  }
  return undefined;
}

describe('the pipeline folders', () => {
  it('looks relative names up in its home folder and answers the real path', () => {
    const { home, allowed } = folders();
    writeFileSync(join(home, 'a.yaml'), '');
    writeFileSync(join(home, '..notes.yaml'), '');
    expect(allowed.resolve('a.yaml')).toBe(realpathSync(join(home, 'a.yaml')));
    // A name that merely starts with two dots is still inside.
    expect(allowed.resolve('..notes.yaml')).toBe(realpathSync(join(home, '..notes.yaml')));
  });

  it('refuses a sibling folder that shares its name as a prefix, until that folder is allowed', () => {
    const { root, allowed } = folders();
    writeFileSync(join(root, 'pipelines-evil', 'x.yaml'), '');
    writeFileSync(join(root, 'started', 'y.yaml'), '');
    expect(refusal(() => allowed.resolve(join(root, 'pipelines-evil', 'x.yaml')))).toBe(
      'PIPELINE_PATH_REFUSED',
    );
    expect(refusal(() => allowed.resolve('../started/y.yaml'))).toBe('PIPELINE_PATH_REFUSED');
    allowed.allow(join(root, 'started'));
    expect(allowed.resolve('../started/y.yaml')).toBe(realpathSync(join(root, 'started', 'y.yaml')));
  });

  it('refuses a folder itself and a file that does not exist, each with its code', () => {
    const { home, allowed } = folders();
    expect(refusal(() => allowed.resolve(home))).toBe('PIPELINE_PATH_REFUSED');
    expect(refusal(() => allowed.resolve('missing.yaml'))).toBe('PIPELINE_FILE_UNREADABLE');
  });
});
