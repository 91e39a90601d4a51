import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { auditJournal } from '../../bench/chaos/kill-matrix.js';
import type { FuzzFrame } from '../../bench/chaos/fuzz-frames.js';
import { ConnectionLedger, addCounts, emptyCounts } from '../../bench/chaos/fuzz-ledger.js';
import { liveBytesBySite } from '../../bench/chaos/heap-sites.js';
import { soakMemory } from '../../bench/chaos/soak.js';
import type { ProbeSample } from '../../bench/chaos/engine.js';
import { auditSession } from '../../bench/chaos/store-audit.js';
import { check, failures, figure, median, slope } from '../../bench/chaos/table.js';

const DOCUMENTED = new Set([1000, 1003, 1006, 4003]);
const frame = (kind: FuzzFrame['kind'], seqs: number[] = [], data = '{}'): FuzzFrame => ({
  kind,
  data,
  binary: false,
  seqs,
  refusals: 1,
});

describe('the fuzz ledger', () => {
  it('counts a frame answered by an error, by the acks of its messages, or needing no answer', () => {
    const counts = emptyCounts();
    const ledger = new ConnectionLedger(counts, DOCUMENTED);
    ledger.sent(frame('mutated'), 1);
    ledger.sent(frame('valid', [1]), 2);
    ledger.sent(frame('batch', [2, 3]), 3);
    ledger.sent(frame('control', [], '{"type":"ack","seq":0,"ts":1,"last_seq":0}'), 4);
    ledger.answer('GATEWAY_SCHEMA_VIOLATION');
    ledger.sentinel(4);
    expect(counts.answered).toBe(2);
    expect(ledger.waitingForAcks).toBe(2);
    ledger.ack(2);
    expect(counts.answered).toBe(3);
    ledger.ack(3);
    expect(counts).toMatchObject({ frames: 4, answered: 4, unanswered: 0 });
    expect(counts.errorCodes).toEqual({ GATEWAY_SCHEMA_VIOLATION: 1 });
  });

  it('counts as swallowed a frame handled with nothing for it, and messages never acked', () => {
    const counts = emptyCounts();
    const ledger = new ConnectionLedger(counts, DOCUMENTED);
    ledger.sent(frame('random-text'), 1);
    ledger.sent(frame('valid', [1]), 2);
    ledger.sent(frame('truncated'), 3);
    ledger.sentinel(2);
    ledger.finished();
    expect(counts).toMatchObject({ frames: 3, answered: 0, unanswered: 3 });
    expect(counts.examples).toContain('random-text: handled with no answer');
    expect(counts.examples).toContain('valid: accepted, never acknowledged');
    expect(counts.examples).toContain('truncated: no sentinel pong before the end');
  });

  it('splits what a close leaves open by whether §5 documents the code, and flags the wrong code', () => {
    const documented = emptyCounts();
    const first = new ConnectionLedger(documented, DOCUMENTED);
    first.sent(frame('valid', [1]), 1);
    first.sent(frame('binary'), 2, 1003);
    first.closed(1003);
    expect(documented).toMatchObject({ closedDocumented: 2, closedUndocumented: 0, unexpectedCloses: 0 });

    const undocumented = emptyCounts();
    const second = new ConnectionLedger(undocumented, DOCUMENTED);
    second.sent(frame('oversize'), 1, 1009);
    second.closed(1011);
    expect(undocumented).toMatchObject({ closedDocumented: 0, closedUndocumented: 1, unexpectedCloses: 1 });
    expect(undocumented.closeCodes).toEqual({ '1011': 1 });

    // A flood close may come before the closing frame is read: not a wrong code.
    const flooded = emptyCounts();
    const third = new ConnectionLedger(flooded, DOCUMENTED);
    third.sent(frame('binary'), 1, 1003);
    third.closed(4003);
    expect(flooded.unexpectedCloses).toBe(0);

    addCounts(documented, undocumented);
    expect(documented).toMatchObject({ closedDocumented: 2, closedUndocumented: 1, frames: 3 });
    expect(documented.closeCodes).toEqual({ '1003': 1, '1011': 1 });
  });
});

describe('the order journal audit', () => {
  it('counts a redelivered order once and a second id for one signal as an order sent twice', () => {
    const journal = [
      'session a',
      'order id-1 100 1',
      'order id-2 200 2',
      'session a',
      'order id-2 200 5', // redelivered after a restart: same id
      'order id-3 200 6', // another id for signal 200: sent twice
      'order id-4 0 7', // no signal
    ].join('\n');
    expect(auditJournal(journal)).toEqual({
      deliveries: 5,
      submitted: 4,
      redelivered: 1,
      submittedTwice: 1,
      sessions: ['a'],
    });
  });
});

describe('the store audit', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  it('finds acked seqs missing from a real DuckDB file and seqs stored twice', async () => {
    folder = mkdtempSync(join(tmpdir(), 'chaos-audit-'));
    const path = join(folder, 'audit.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE received (source VARCHAR, source_seq BIGINT)');
    await connection.run(
      "INSERT INTO received VALUES ('gateway:s1', 1), ('gateway:s1', 2), ('gateway:s1', 2), ('gateway:s1', 4), ('gateway:s1', 6), ('gateway:other', 3)",
    );
    connection.closeSync();
    instance.closeSync();
    // Acked up to 5: seq 3 and 5 are lost; 6 was stored but never acked (fine); 2 is stored twice.
    expect(await auditSession(path, 's1', 5)).toEqual({
      rows: 5,
      distinct: 4,
      ackedMissing: 2,
      duplicated: 1,
      highest: 6,
    });
  });
});

describe('the figures', () => {
  it('fails the run on a failed check, except full-run-only checks in a quick run', () => {
    const figures = [
      figure('soak', 'peak', 1),
      check('soak', 'lost', 0, '= 0', true),
      check('disk', 'told', 0, '> 0', false, { fullOnly: true }),
    ];
    expect(failures(figures, true)).toEqual([]);
    expect(failures(figures, false).map((f) => f.name)).toEqual(['told']);
    expect(failures([...figures, check('fuzz', 'crashes', 1, '= 0', false)], true)).toHaveLength(1);
  });

  it('takes medians and least-squares slopes', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(
      slope([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toBe(2);
    expect(slope([[0, 7]])).toBe(0);
  });

  it('reads the steady RSS, the slope per hour and the heaps from the probe samples', () => {
    const MB = 1024 * 1024;
    const samples: ProbeSample[] = [];
    // 10 minutes, one main and one worker line a second; RSS rises 60 MB an hour from 400 MB.
    for (let second = 0; second < 600; second++) {
      const t = 1_000_000 + second * 1000;
      const rss = 400 * MB + (60 * MB * second) / 3600;
      const base = { rss, external: 10 * MB, arrayBuffers: 2 * MB, loopP99: 5, loopMax: 9 };
      samples.push({
        ...base,
        t,
        thread: 'main',
        heapTotal: 100 * MB,
        heapUsed: 80 * MB,
        spaces: { new_space: 8 * MB },
      });
      samples.push({
        ...base,
        t: t + 300,
        thread: 'worker-1',
        heapTotal: 30 * MB,
        heapUsed: 20 * MB,
        external: 5 * MB,
        spaces: {},
      });
    }
    const memory = soakMemory(samples);
    expect(memory.slopePerHour / MB).toBeCloseTo(60, 6);
    expect(memory.steadyRss / MB).toBeCloseTo(400 + (60 * 449.5) / 3600, 6);
    expect(memory.mainHeap).toBe(100 * MB);
    expect(memory.workerHeaps).toBe(35 * MB);
    expect(memory.native).toBe(memory.steadyRss - 100 * MB - 10 * MB - 35 * MB);
    expect(memory.youngGeneration).toBe(8 * MB);
    expect(memory.loopP99).toBe(5);
  });

  it('takes DuckDB’s own buffer pool and the WAL out of the native rest when the probe read them', () => {
    const MB = 1024 * 1024;
    const samples: ProbeSample[] = [];
    const base = {
      rss: 300 * MB,
      external: 6 * MB,
      arrayBuffers: 2 * MB,
      loopP99: 5,
      loopMax: 9,
      spaces: {},
    };
    for (let second = 0; second < 120; second++) {
      const t = 1_000_000 + second * 1000;
      samples.push({ ...base, t, thread: 'main', heapTotal: 70 * MB, heapUsed: 40 * MB, wal: 35 * MB });
      samples.push({
        ...base,
        t: t + 300,
        thread: 'worker-1',
        heapTotal: 20 * MB,
        heapUsed: 10 * MB,
        external: 4 * MB,
        duckdb: { memory: 60 * MB, temporary: 12 * MB },
      });
    }
    const memory = soakMemory(samples);
    expect(memory.duckdb).toBe(60 * MB);
    expect(memory.duckdbSpilled).toBe(12 * MB);
    expect(memory.wal).toBe(35 * MB);
    expect(memory.native).toBe(300 * MB - 70 * MB - 6 * MB - 24 * MB - 60 * MB);
  });
});

describe('the heap profile summary', () => {
  it('adds live bytes per allocation site, naming native frames by the script frame that called them', () => {
    const frame = (functionName: string, url: string, lineNumber: number) => ({
      functionName,
      url,
      lineNumber,
    });
    const root = {
      callFrame: frame('(root)', '', -1),
      selfSize: 0,
      children: [
        {
          callFrame: frame('handleMessage', 'file:///x/dist/gateway/connection.js', 41),
          selfSize: 100,
          children: [
            { callFrame: frame('parse', '', -1), selfSize: 50, children: [] },
            {
              callFrame: frame('handleMessage', 'file:///x/dist/gateway/connection.js', 41),
              selfSize: 7,
              children: [],
            },
          ],
        },
      ],
    };
    expect(liveBytesBySite(root)).toEqual(
      new Map([
        ['handleMessage dist/gateway/connection.js:42', 107],
        ['parse ← handleMessage dist/gateway/connection.js:42', 50],
      ]),
    );
  });
});
