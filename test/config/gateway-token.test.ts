import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readGatewayToken } from '../../src/config/index.js';
import type { GatewayError } from '../../src/core/errors.js';

const GOOD = 'a1b2c3d4e5f6a7b8c9d0';

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    return { code: (error as GatewayError).code, message: (error as Error).message };
  }
  throw new Error('the token was accepted');
}

describe('the gateway token', () => {
  it('is read from ENIGMA_TOKEN by default, or from the variable the configuration names', () => {
    expect(readGatewayToken(undefined, { ENIGMA_TOKEN: GOOD })).toBe(GOOD);
    expect(readGatewayToken({ env: 'DESK_TOKEN' }, { DESK_TOKEN: GOOD, ENIGMA_TOKEN: 'other' })).toBe(GOOD);
  });

  it('is read from a file, without its trailing newline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'enigma-token-')), 'token');
    writeFileSync(file, `${GOOD}\n`);
    expect(readGatewayToken({ file }, {})).toBe(GOOD);
  });

  it('refuses a missing, blank, spaced or short token with a clear error and never shows it', () => {
    expect(failure(() => readGatewayToken({ env: 'DESK_TOKEN' }, {}))).toEqual({
      code: 'GATEWAY_NO_TOKEN',
      message: expect.stringContaining('set DESK_TOKEN to the bearer token'),
    });
    expect(failure(() => readGatewayToken(undefined, { ENIGMA_TOKEN: '   ' }))).toEqual({
      code: 'GATEWAY_WEAK_TOKEN',
      message: expect.stringContaining('the ENIGMA_TOKEN environment variable is blank'),
    });
    const short = failure(() => readGatewayToken(undefined, { ENIGMA_TOKEN: 'fifteen-chars!!' }));
    expect(short).toEqual({
      code: 'GATEWAY_WEAK_TOKEN',
      message: expect.stringContaining('is too short: use at least 16 characters'),
    });
    expect(short.message).not.toContain('fifteen-chars!!');
    expect(
      failure(() => readGatewayToken(undefined, { ENIGMA_TOKEN: 'sixteen chars!!!' })).message,
    ).toContain('contains white space');
    expect(readGatewayToken(undefined, { ENIGMA_TOKEN: 'sixteen-chars!!!' })).toBe('sixteen-chars!!!');
    expect(failure(() => readGatewayToken({ file: join(tmpdir(), 'no-such-token-file') }, {})).code).toBe(
      'GATEWAY_NO_TOKEN',
    );
  });
});
