import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { feedCommand } from '../../src/cli/commands/feed.js';
import { startTestEngine, TEST_TOKEN, type TestEngine } from '../gateway/harness.js';

describe('enigma feed into a running engine', () => {
  let engine: TestEngine;
  let folder: string;
  const savedToken = process.env['ENIGMA_TOKEN'];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'enigma-feed-'));
    process.env['ENIGMA_TOKEN'] = TEST_TOKEN;
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    if (savedToken === undefined) delete process.env['ENIGMA_TOKEN'];
    else process.env['ENIGMA_TOKEN'] = savedToken;
  });
  afterEach(async () => engine.close());

  it('replays a tick CSV, skipping bad lines, with every tick acknowledged', async () => {
    engine = await startTestEngine();
    const file = join(folder, 'ticks.csv');
    const rows = Array.from(
      { length: 500 },
      (_, i) => `${String(1_764_115_200_000_000 + i)},NQ 12-26,21012.25,1,21012,21012.25,buy`,
    );
    await writeFile(
      file,
      ['ts,symbol,price,size,bid,ask,side', ...rows.slice(0, 250), 'garbage', ...rows.slice(250)].join('\n'),
    );
    const code = await feedCommand.run(['--url', engine.http.url, '--csv', file]);
    expect(code).toBe(0);
    expect(engine.published(TOPICS.ticks)).toHaveLength(500);
    expect(engine.published(TOPICS.ticks)[499]).toMatchObject({
      ts: 1_764_115_200_000_499,
      symbol: 'NQ 12-26',
    });
  });

  it('streams a simulated market with signals', async () => {
    engine = await startTestEngine();
    const code = await feedCommand.run([
      '--url',
      engine.http.url,
      '--simulate',
      '--count',
      '3000',
      '--signals-per-minute',
      '600',
      '--symbols',
      'NQ 12-26,ES 12-26',
    ]);
    expect(code).toBe(0);
    const ticks = engine.published(TOPICS.ticks).length;
    const signals = engine.published(TOPICS.signals).length;
    expect(ticks + signals).toBe(3000);
    expect(signals).toBeGreaterThan(0);
  });

  it('exits 2 with the usage when neither --csv nor --simulate is given', async () => {
    engine = await startTestEngine();
    expect(await feedCommand.run(['--url', engine.http.url])).toBe(2);
  });
});
