import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operatorCatalogue } from '../../src/cli/catalogue.js';
import { operatorText } from '../../src/cli/commands/operators.js';
import { paramDocs } from '../../src/cli/param-docs.js';
import { createRegistry } from '../../src/operators/index.js';
import type { OperatorDefinition } from '../../src/pipeline/operator.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const registry = createRegistry();
const operator = (name: string): OperatorDefinition => registry.get(name) as OperatorDefinition;

function enigma(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/enigma.js'), ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('enigma operators', () => {
  it('shows each param with its type, range, allowed values and default', () => {
    expect(paramDocs(operator('ema'))).toEqual([
      {
        name: 'period',
        type: 'integer 1–10000',
        default: '21',
        required: false,
        description: 'Smoothing period; k = 2/(period+1).',
      },
      {
        name: 'field',
        type: 'close / open / high / low / typical',
        default: 'close',
        required: false,
        description: expect.stringContaining('Bar value read') as string,
      },
    ]);
    const text = operatorText(operator('kelly'));
    expect(text).toContain(
      'roomShare         number > 0, ≤ 1, default 0.5 — Share of the drawdown room one trade may risk.',
    );
    expect(text).toContain('orderType         market / limit, default market');
    expect(operatorText(operator('bars'))).toContain('every  duration (500ms, 30s, 5m, 1h, 1d) — Bar period');
    expect(operatorText(operator('jsonl'))).toContain('path  string, required');
    expect(operatorText(operator('simulatedMarket'))).toContain(
      'instruments     list of string (at least 1), default [ES 12-26, NQ 12-26, CL 01-27]',
    );
  });

  it('lists the fields of signal rules with their allowed values', () => {
    const text = operatorText(operator('signalRules'));
    expect(text).toContain('rules[].direction   long / short, required');
    expect(text).toContain('rules[].confluence  integer 1–4, default 1');
    expect(text).toContain('rules[].targets     list of string (at most 4)');
  });

  it("the README's generated table carries types, allowed values and defaults", () => {
    const table = operatorCatalogue(registry);
    expect(table).toContain(
      '| `donchian` | feature | bar → features | `period` integer 1–10000, default 20 | Donchian channel',
    );
    expect(table).toContain('`field` close / open / high / low / typical, default close');
  });

  it('prints one operator by name, and refuses an unknown name with the list', async () => {
    const one = await enigma(['operators', 'donchian']);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(
      'donchian  feature, bar → features\n' +
        '  Donchian channel: highest high, lowest low and their midpoint over a window.\n' +
        '    period  integer 1–10000, default 20 — Bars in the window.\n',
    );
    const wrong = await enigma(['operators', 'donchain']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("unknown operator 'donchain'; the operators are: atr, bars,");
  });
});
