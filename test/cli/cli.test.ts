import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { microsFromIso } from '../../src/core/time.js';
import { TICK_CSV_HEADER } from '../../src/sources/csv-ticks.js';
import { SimulatedMarket } from '../../src/sources/simulated-market.js';
import { enigma } from './enigma-process.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'enigma-cli-'));
}

/** Two hours of simulated ticks for two instruments as CSV, plus one bad row. */
async function writeTicksCsv(dir: string): Promise<string> {
  const start = microsFromIso('2026-03-02T14:30:00Z');
  const market = new SimulatedMarket({
    seed: 5,
    symbols: ['ES 12-26', 'NQ 12-26'],
    start,
    ticksPerSecond: 10,
  });
  const lines = [TICK_CSV_HEADER];
  for (let tick = market.next(); tick.ts < start + 2 * 3600e6; tick = market.next()) {
    lines.push([tick.ts, tick.symbol, tick.price, tick.size, tick.bid, tick.ask, tick.side].join(','));
    if (lines.length === 1000) lines.push(`${tick.ts},ES 12-26,NaN,1,1,1,buy`);
  }
  const file = join(dir, 'ticks.csv');
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('enigma CLI', () => {
  it('prints help listing every command', async () => {
    const result = await enigma(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['run', 'replay', 'validate', 'graph', 'operators'])
      expect(result.stdout).toContain(`  ${command}`);
  });

  it('exits 2 on an unknown command', async () => {
    const result = await enigma(['fly']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'fly'");
  });

  it('validate reports three different mistakes with their step ids and exits non-zero', async () => {
    const dir = await tempDir();
    const file = join(dir, 'broken.yaml');
    await writeFile(
      file,
      `id: broken
steps:
  - { id: market, op: simulatedMarket }
  - { id: bars, op: bars, from: markt, params: { every: 1m } }
  - { id: fast, op: ema, from: bars, params: { period: -3 } }
  - { id: out, op: consol, from: fast }
`,
    );
    const result = await enigma(['validate', file, 'pipelines/default.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${file}:4 step 'bars': reads from 'markt', which is not a step (did you mean 'market'?) [PIPELINE_UNKNOWN_STEP]`,
    );
    expect(result.stderr).toMatch(new RegExp(`${file}:5 step 'fast': period: .* \\[PIPELINE_BAD_PARAMS\\]`));
    expect(result.stderr).toContain(
      `${file}:6 step 'out': unknown operator 'consol' (did you mean 'console'?) [PIPELINE_UNKNOWN_OPERATOR]`,
    );
    expect(result.stderr).toContain('3 problem(s) found');
    expect(result.stdout).toContain("pipelines/default.yaml: ok (pipeline 'default'");
  });

  it('graph prints the default pipeline as Mermaid with the fused feature group', async () => {
    const result = await enigma(['graph', 'pipelines/default.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart LR\n/);
    expect(result.stdout).toContain('fused: ema9, ema21, rsi14, atr14, bb');
    expect(result.stdout).toContain('market -- tick --> bars');
  });

  it('run prints a live status line and each signal as it comes, and records the signals', async () => {
    const dir = await tempDir();
    const statusLine = /enigma \d\d:\d\d \| [\d,]+ msg\/s \| p99 .* \| errors 0 \| dead letters 0/;
    const signalLine = /(LONG|SHORT) .* confluence \d/;
    let stdout = '';
    let stderr = '';
    // Stops the run once both were seen (whenever that is on this machine), not after a set time.
    const stopWhenSeen = (child: ChildProcess) => {
      if (statusLine.test(stderr) && signalLine.test(stdout) && !child.killed) child.kill('SIGINT');
    };
    const result = await enigma(['run', 'pipelines/default.yaml', '--data-dir', dir], {
      onStdout: (text, child) => {
        stdout = text;
        stopWhenSeen(child);
      },
      onStderr: (text, child) => {
        stderr = text;
        stopWhenSeen(child);
      },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(statusLine);
    expect(result.stdout).toMatch(signalLine);
    expect(result.stderr).toMatch(/pipeline default: [\d,]+ messages in/);
    const recorded = (await readFile(join(dir, 'signals.jsonl'), 'utf8')).trim().split('\n');
    expect(recorded.length).toBeGreaterThan(0);
    expect(JSON.parse(recorded[0] ?? '{}')).toHaveProperty('direction');
  });

  it('run --duration stops by itself, prints its summary and exits 0', async () => {
    const dir = await tempDir();
    const result = await enigma(['run', 'pipelines/default.yaml', '--duration', '1', '--data-dir', dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/pipeline default: [\d,]+ messages in/);
    expect(result.stderr).not.toContain('stopping: draining and flushing');
  });

  it('Ctrl-C drains, flushes and exits 0', async () => {
    const dir = await tempDir();
    const result = await enigma(['run', 'pipelines/default.yaml', '--data-dir', dir], {
      onStderr: (text, child) => {
        if (text.includes('msg/s') && !child.killed) child.kill('SIGINT');
      },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('stopping: draining and flushing');
    expect(result.stderr).toMatch(/pipeline default: [\d,]+ messages/);
    expect((await readFile(join(dir, 'signals.jsonl'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('replay of the same CSV twice gives byte-identical output and counts the bad row', async () => {
    const dir = await tempDir();
    const csv = await writeTicksCsv(dir);
    const first = await enigma([
      'replay',
      'pipelines/default.yaml',
      '--from',
      csv,
      '--data-dir',
      join(dir, 'first'),
    ]);
    const second = await enigma([
      'replay',
      'pipelines/default.yaml',
      '--from',
      csv,
      '--data-dir',
      join(dir, 'second'),
    ]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(first.stderr).toMatch(/replay .* 100%/);
    expect(first.stderr).toMatch(/dead letters 1/);
    const a = await readFile(join(dir, 'first', 'signals.jsonl'));
    const b = await readFile(join(dir, 'second', 'signals.jsonl'));
    expect(a.length).toBeGreaterThan(0);
    expect(a.equals(b)).toBe(true);
    expect(first.stdout).toBe(second.stdout);
  });

  it('a live run recorded in DuckDB replays to byte-identical signals', async () => {
    const dir = await tempDir();
    const live = await enigma([
      'run',
      'pipelines/default.yaml',
      '--duration',
      '2',
      '--quiet',
      '--data-dir',
      join(dir, 'live'),
    ]);
    expect(live.code).toBe(0);
    const replay = await enigma([
      'replay',
      'pipelines/default.yaml',
      '--from',
      'duckdb',
      '--db',
      join(dir, 'live', 'enigma.duckdb'),
      '--data-dir',
      join(dir, 'replay'),
    ]);
    expect(replay.code).toBe(0);
    const recorded = await readFile(join(dir, 'live', 'signals.jsonl'));
    const replayed = await readFile(join(dir, 'replay', 'signals.jsonl'));
    expect(recorded.length).toBeGreaterThan(0);
    expect(replayed.equals(recorded)).toBe(true);
  });

  it('replay of a tick CSV in milliseconds fails, naming the line and the likely unit', async () => {
    const dir = await tempDir();
    const file = join(dir, 'ms.csv');
    const ms = microsFromIso('2026-03-02T14:30:00Z') / 1000;
    await writeFile(file, `${TICK_CSV_HEADER}\n${String(ms)},ES 12-26,6000,1,6000,6000.25,buy\n`);
    const result = await enigma(['replay', 'pipelines/default.yaml', '--from', file, '--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file} line 2: ts ${String(ms)} (1970-01-21 as microseconds)`);
    expect(result.stderr).toContain('it looks like milliseconds: multiply by 1,000');
  });

  it('replay fails clearly when the CSV file does not exist', async () => {
    const result = await enigma([
      'replay',
      'pipelines/default.yaml',
      '--from',
      '/no/such/file.csv',
      '--data-dir',
      await tempDir(),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SOURCE_FAILED');
  });
});
