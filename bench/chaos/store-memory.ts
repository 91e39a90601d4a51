/**
 * The store alone under steady load, for memory: `rate` ticks per second, each with its `received`
 * envelope (as the gateway writes them), into a file-backed store, sampling every second the
 * process's RSS, the V8 heap, DuckDB's own accounting (`duckdb_memory()`, read through the store)
 * and the WAL's size. No gateway, no pipeline: what the store and DuckDB hold by themselves.
 *
 *   npx tsx bench/chaos/store-memory.ts --seconds 60 --rate 10000 [--duckdb memory_limit=256MB,…]
 *     --idle 10               then this many seconds without load (the idle checkpoint, memory returned)
 *     --checkpoint-every 8    a CHECKPOINT every 8 s under load: how long it takes, how long commits wait
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../../src/store/store.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    idle: { type: 'string', default: '10' },
    'checkpoint-every': { type: 'string', default: '0' },
    rate: { type: 'string', default: '10000' },
    duckdb: { type: 'string', default: '' },
  },
});
const duckdb = Object.fromEntries(
  values.duckdb
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
);
const dir = mkdtempSync(join(tmpdir(), 'enigma-store-memory-'));
const path = join(dir, 'enigma.duckdb');
const store = await Store.open(path, { duckdb });
const MB = 1024 * 1024;
const rate = Number(values.rate);
const seconds = Number(values.seconds);

async function duckdbMemory(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for await (const chunk of store.read(
    'SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0',
  )) {
    for (let i = 0; i < chunk.rowCount; i++)
      out[String(chunk.columns[0]?.[i])] = Number(chunk.columns[1]?.[i]) / MB;
  }
  return out;
}

function walMb(): number {
  try {
    return statSync(`${path}.wal`).size / MB;
  } catch {
    return 0;
  }
}

let seq = 0;
const started = performance.now();
const perMs = rate / 1000;
let sent = 0;
const load = setInterval(() => {
  const due = Math.floor((performance.now() - started) * perMs);
  for (; sent < due; sent++) {
    seq++;
    const tick = {
      symbol: 'NQ 12-26',
      ts: 1_764_115_200_000_000 + seq,
      price: 21_000 + (seq % 100) * 0.25,
      size: 1,
      bid: 20_999.75,
      ask: 21_000.25,
      side: 'buy' as const,
    };
    store.writeTick(tick);
    store.writeReceived({ source: 'gateway:s1', seq, type: 'tick', message: tick });
  }
}, 1);
const idle = Number(values.idle);
for (let second = 1; second <= seconds + idle; second++) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  if (second === seconds) clearInterval(load);
  const every = Number(values['checkpoint-every']);
  if (every > 0 && second % every === 0 && second < seconds) {
    // A checkpoint on a connection of its own, while commits go on: how long, and do commits wait?
    const before = store.stats.commitMillis.max;
    const t0 = performance.now();
    const wal = walMb();
    let lastRows = store.stats.rowsCommitted;
    let lastChange = performance.now();
    let longestGap = 0;
    const watch = setInterval(() => {
      const rows = store.stats.rowsCommitted;
      const now = performance.now();
      if (rows !== lastRows) {
        longestGap = Math.max(longestGap, now - lastChange);
        lastRows = rows;
        lastChange = now;
      }
    }, 2);
    for await (const _ of store.read('CHECKPOINT')) void _;
    const took = performance.now() - t0;
    await new Promise((resolve) => setTimeout(resolve, 50));
    clearInterval(watch);
    process.stdout.write(
      `checkpoint of ${wal.toFixed(1)} MB WAL: ${took.toFixed(0)} ms; longest time without a commit meanwhile ${Math.max(longestGap, performance.now() - lastChange - 50).toFixed(0)} ms (commit max before ${before.toFixed(0)})\n`,
    );
  }
  const memory = process.memoryUsage();
  const ddb = await duckdbMemory();
  const ddbTotal = Object.values(ddb).reduce((a, b) => a + b, 0);
  const line = `t=${String(second)}s rss=${(memory.rss / MB).toFixed(0)} heap=${(memory.heapTotal / MB).toFixed(0)} ext=${(memory.external / MB).toFixed(0)} duckdb=${ddbTotal.toFixed(0)} ${JSON.stringify(Object.fromEntries(Object.entries(ddb).map(([k, v]) => [k, Math.round(v)])))} wal=${walMb().toFixed(1)} checkpoints=${String(store.stats.checkpoints)} ackP99=${store.stats.ackMillis.p99.toFixed(1)} commitMax=${store.stats.commitMillis.max.toFixed(0)}${second > seconds ? ' idle' : ''}`;
  process.stdout.write(`${line}\n`);
}
clearInterval(load);
await store.close();
rmSync(dir, { recursive: true, force: true });
