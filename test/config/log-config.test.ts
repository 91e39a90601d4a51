import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEngineConfig } from '../../src/config/index.js';
import { parseLogLevelFlag } from '../../src/cli/run-pipeline.js';

const ACCOUNTS = 'accounts:\n  - id: SIM-A\n    profile: apex-50k-evaluation\n';

describe("the engine log's configuration", () => {
  it('reads the levels and the size cap of the log section', () => {
    const config = parseEngineConfig(
      `${ACCOUNTS}log: { level: debug, terminalLevel: error, maxBytes: 1048576, files: 3 }\n`,
      'enigma.yaml',
      mkdtempSync(join(tmpdir(), 'enigma-log-config-')),
    );
    expect(config.log).toEqual({ level: 'debug', terminalLevel: 'error', maxBytes: 1_048_576, files: 3 });
  });

  it('reports an unknown level, a tiny cap and an unknown key, each with its path', () => {
    let issues: string[] = [];
    try {
      parseEngineConfig(
        `${ACCOUNTS}log: { level: loud, maxBytes: 10, rotate: daily }\n`,
        'enigma.yaml',
        mkdtempSync(join(tmpdir(), 'enigma-log-config-')),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      issues = (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    }
    expect(issues).toEqual([
      "log.rotate: unknown key 'rotate' (known: level, terminalLevel, maxBytes, files)",
      'log.level: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'log.maxBytes: expected integer to be greater or equal to 1024, got 10',
    ]);
  });

  it('takes --log-level among the levels and refuses anything else with CLI_USAGE', () => {
    expect(parseLogLevelFlag('debug')).toBe('debug');
    expect(() => parseLogLevelFlag('verbose')).toThrow(/--log-level takes one of fatal, error, warn, info/);
    expect(() => parseLogLevelFlag('verbose')).toThrow(expect.objectContaining({ code: 'CLI_USAGE' }));
  });
});
