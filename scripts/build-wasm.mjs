// Builds the WebAssembly kernels (release and debug) unless they are newer than every source,
// so `npm start` and `npm test` do not recompile unchanged AssemblyScript. `--force` always builds.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sources = [join(root, 'asconfig.json'), ...walk(join(root, 'assembly'))];
const outputs = ['build/enigma.wasm', 'build/enigma.debug.wasm'].map((file) => join(root, file));

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const newestSource = Math.max(...sources.map((file) => statSync(file).mtimeMs));
const fresh = outputs.every((file) => existsSync(file) && statSync(file).mtimeMs >= newestSource);
if (fresh && !process.argv.includes('--force')) process.exit(0);

const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
for (const target of ['release', 'debug']) {
  execFileSync(process.execPath, [asc, '--config', 'asconfig.json', '--target', target], {
    cwd: root,
    stdio: 'inherit',
  });
}
