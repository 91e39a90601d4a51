import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { enigma } from './enigma-process.js';

describe('enigma run with enigma kill', () => {
  it('shows the halt in the status line and the summary lists every account with state, balance, P&L and position', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'enigma-run-halt-'));
    let killed: Promise<unknown> | undefined;
    const run = await enigma(
      ['run', 'pipelines/default.yaml', '--duration', '60', '--data-dir', dataDir, '--no-store'],
      {
        onStderr: (text, child) => {
          // Once the engine shows its first status line, halt it from another process.
          if (!killed && text.includes('msg/s'))
            killed = enigma(['kill', '--data-dir', dataDir, '--reason', 'test halt', '--by', 'tester']);
          // Stop once the halt is on screen.
          if (/SIM-50K HALTED \$[\d,.]+/.test(text) && !child.killed) child.kill('SIGINT');
        },
      },
    );
    expect(await killed).toMatchObject({ code: 0 });
    expect(run.code).toBe(0);
    const statusLines = run.stderr.split('\n').filter((line) => line.startsWith('enigma '));
    expect(statusLines[0]).toMatch(
      / \| orders [\d,]+ \(denied [^)]*\) fills [\d,]+ \| SIM-50K ACTIVE \$[\d,.]+( \| warming up: .+)?$/,
    );
    expect(statusLines.at(-1)).toMatch(/ \| SIM-50K HALTED \$[\d,.]+( \| warming up: .+)?$/);
    expect(run.stderr).toMatch(/^trading: [\d,]+ order intents.*, [\d,]+ fills$/m);
    expect(run.stderr).toMatch(
      /^account SIM-50K: HALTED \(manual: test halt\), balance \$[\d,.]+, equity \$[\d,.]+, P&L -?\$[\d,.]+, realised today -?\$[\d,.]+, health 0, position (flat|.+ (long|short) \d+ @ .+)$/m,
    );
  });
});
