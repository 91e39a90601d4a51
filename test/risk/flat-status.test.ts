import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlatStatusFile, flatStatusPath } from '../../src/risk/flat-status.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'enigma-flat-status-'));

describe('flat status file', () => {
  it('reads back the accounts and every confirmed flat the engine wrote', () => {
    const path = flatStatusPath(join(dataDir(), 'nested'));
    const file = new FlatStatusFile(path, 4242, { 'APEX-1': 'ninjatrader', 'SIM-2': 'paper' });
    expect(FlatStatusFile.read(path)).toEqual({
      version: 1,
      pid: 4242,
      accounts: { 'APEX-1': 'ninjatrader', 'SIM-2': 'paper' },
      flat: {},
    });
    const first = { message: 'APEX-1 flat (confirmed by NinjaTrader)', ts: 1_000, haltTs: 900 };
    const second = { message: 'SIM-2 flat (confirmed by paper)', ts: 2_000 };
    file.confirmed('APEX-1', first);
    file.confirmed('SIM-2', second);
    expect(FlatStatusFile.read(path)?.flat).toEqual({ 'APEX-1': first, 'SIM-2': second });
    // A later flat of the same account replaces its record and keeps the others.
    const again = { message: 'APEX-1 flat (confirmed by NinjaTrader)', ts: 3_000 };
    file.confirmed('APEX-1', again);
    expect(FlatStatusFile.read(path)?.flat).toEqual({ 'APEX-1': again, 'SIM-2': second });
  });

  it('reads nothing from a missing, unreadable, other-version or pid-less file', () => {
    const dir = dataDir();
    const path = flatStatusPath(dir);
    expect(FlatStatusFile.read(path)).toBeUndefined();
    writeFileSync(path, '{ "version": 1, "pid": 12');
    expect(FlatStatusFile.read(path)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ version: 2, pid: 12, accounts: {}, flat: {} }));
    expect(FlatStatusFile.read(path)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ version: 1, pid: '12', accounts: {}, flat: {} }));
    expect(FlatStatusFile.read(path)).toBeUndefined();
    writeFileSync(path, JSON.stringify({ version: 1, accounts: {}, flat: {} }));
    expect(FlatStatusFile.read(path)).toBeUndefined();
    // Version 1 with a pid is read, missing maps as empty.
    writeFileSync(path, JSON.stringify({ version: 1, pid: 12 }));
    expect(FlatStatusFile.read(path)).toEqual({ version: 1, pid: 12, accounts: {}, flat: {} });
  });

  it('rewrites the whole file on every change, as JSON with a final newline', () => {
    const path = flatStatusPath(dataDir());
    const file = new FlatStatusFile(path, 7, { A: 'paper' });
    file.confirmed('A', { message: 'A flat (confirmed by paper)', ts: 5 });
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({
      version: 1,
      pid: 7,
      accounts: { A: 'paper' },
      flat: { A: { message: 'A flat (confirmed by paper)', ts: 5 } },
    });
  });
});
