import { ChaosEngine } from './engine.js';
import { spawn } from 'node:child_process';
const token = 'chaos-token-0123456789abcdef';
const e = new ChaosEngine({ token, dataDir: '/tmp/chaos-f', accounts: ['W0'] });
await e.start();
console.log(e.url, 'rss', e.rss() / 1e6);
const t0 = performance.now();
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'bench/chaos/fuzz-process.ts',
    JSON.stringify({ url: e.url, frames: 20000, durationMs: 60000, connections: 12, paced: 6, seed: 1 }),
  ],
  { env: { ...process.env, ENIGMA_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
child.stdout.on('data', (d) => {
  out += d;
});
await new Promise((r) => child.once('exit', r));
console.log('s', (performance.now() - t0) / 1000, 'rss', e.rss() / 1e6, 'exits', e.unexpectedExits);
const rep = out.split('\n').find((l) => l.startsWith('report '));
console.log(
  out
    .split('\n')
    .filter((l) => l.startsWith('progress'))
    .slice(-3)
    .join(' '),
);
console.log(rep);
await e.stop();
