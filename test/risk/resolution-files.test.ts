import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResolutionFiles } from '../../src/risk/resolution-files.js';
import { takenWhileRead } from './taken-while-read.js';

function files(): ResolutionFiles {
  return new ResolutionFiles(mkdtempSync(join(tmpdir(), 'enigma-resolution-files-')));
}

describe('resolution requests as files', () => {
  it('hands the engine each request `enigma resolve` wrote, once, and deletes its file', () => {
    const resolutions = files();
    resolutions.request({ account: 'SIM-A', by: 'alice' });
    resolutions.request({ account: 'SIM/B', by: 'bob' });
    const taken = resolutions.take();
    expect(taken.sort((a, b) => a.account.localeCompare(b.account))).toEqual([
      { account: 'SIM-A', by: 'alice' },
      { account: 'SIM/B', by: 'bob' },
    ]);
    expect(readdirSync(resolutions.dir)).toEqual([]);
    expect(resolutions.take()).toEqual([]);
  });

  it('has no requests before the folder exists', () => {
    expect(files().take()).toEqual([]);
  });

  it('names the CLI as the requester when a request file says nobody', () => {
    const resolutions = files();
    const path = resolutions.request({ account: 'SIM-A', by: 'alice' });
    writeFileSync(path, JSON.stringify({ account: 'SIM-A' }));
    expect(resolutions.take()).toEqual([{ account: 'SIM-A', by: 'cli' }]);
  });

  it('leaves alone a request still being written (its temporary file)', () => {
    const resolutions = files();
    const path = resolutions.request({ account: 'SIM-A', by: 'alice' });
    const temporary = `${path}.4242.tmp`;
    writeFileSync(temporary, JSON.stringify({ account: 'SIM-B', by: 'bob' }));
    expect(resolutions.take()).toEqual([{ account: 'SIM-A', by: 'alice' }]);
    expect(existsSync(temporary)).toBe(true);
  });

  it('drops and deletes a request that cannot be read or names no account', () => {
    const resolutions = files();
    mkdirSync(resolutions.dir, { recursive: true });
    writeFileSync(join(resolutions.dir, 'broken.json'), '{"account": ');
    writeFileSync(join(resolutions.dir, 'no-account.json'), JSON.stringify({ by: 'alice' }));
    expect(resolutions.take()).toEqual([]);
    expect(readdirSync(resolutions.dir)).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')(
    'keeps every request when another process takes a request file while it is read',
    async () => {
      const resolutions = files();
      resolutions.request({ account: 'SIM-A', by: 'alice' });
      const { done } = await takenWhileRead(
        join(resolutions.dir, 'SIM-B.json'),
        JSON.stringify({ account: 'SIM-B', by: 'bob' }),
      );
      const taken = resolutions.take();
      expect(await done).toBe(0);
      expect(taken.sort((a, b) => a.account.localeCompare(b.account))).toEqual([
        { account: 'SIM-A', by: 'alice' },
        { account: 'SIM-B', by: 'bob' },
      ]);
      expect(readdirSync(resolutions.dir)).toEqual([]);
    },
  );
});
