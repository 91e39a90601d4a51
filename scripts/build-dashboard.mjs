// Bundles the dashboard (src/dashboard/) into build/dashboard/: index.html plus hashed assets.
// esbuild compiles the TypeScript/JSX and bundles Preact; nothing is fetched at run time (no CDN).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'dashboard');
const out = join(root, 'build', 'dashboard');
const assets = join(out, 'assets');

rmSync(out, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

const result = await build({
  entryPoints: [join(source, 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'safari16', 'firefox115'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: assets,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const script = outputs.find((name) => name.endsWith('.js'));
const style = outputs.find((name) => name.endsWith('.css'));
if (!script || !style) throw new Error(`the dashboard build made no script or style: ${outputs.join(', ')}`);

const html = readFileSync(join(source, 'index.html'), 'utf8')
  .replace('{{script}}', `/assets/${script}`)
  .replace('{{style}}', `/assets/${style}`);
writeFileSync(join(out, 'index.html'), html);

const sizes = [join(out, 'index.html'), join(assets, script), join(assets, style)].map((file) => {
  const bytes = readFileSync(file);
  return { file: basename(file), bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
});
writeFileSync(join(out, 'size.json'), `${JSON.stringify(sizes, null, 2)}\n`);
const total = sizes.reduce((sum, entry) => sum + entry.gzipBytes, 0);
process.stdout.write(
  `dashboard: ${sizes.map((s) => `${s.file} ${s.bytes} B`).join(', ')}; ${total} B gzipped in all\n`,
);
