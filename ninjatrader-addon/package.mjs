#!/usr/bin/env node
// Packages the AddOn as a NinjaTrader 8 import zip (Control Center › Tools › Import › NinjaScript
// Add-On…) in ninjatrader-addon/dist/. NinjaTrader compiles NinjaScript from source, so the zip
// holds source files laid out as in Documents\NinjaTrader 8\bin\Custom\, plus Info.xml:
//   Info.xml
//   AddOns/EnigmaApex/*.cs               the NinjaTrader layer (AddOn, window, broker, market data)
//   AddOns/EnigmaApex/Client/**/*.cs     the client core (the same files the dotnet build tests)
//   Indicators/EnigmaBridge.cs           the bridge indicator
// Usage: node ninjatrader-addon/package.mjs [--out <file.zip>] [--verify]
//   --verify   read the written zip back (its own reader, not the writer's lists) and fail unless it
//              holds exactly the files above, byte for byte, and Info.xml declares NinjaTrader 8.1+;
//              test.sh runs it, so `npm test` checks the import zip.
// Only Node built-ins: the zip is written here (deflate from node:zlib).
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const csproj = readFileSync(join(here, 'EnigmaApex.Client', 'EnigmaApex.Client.csproj'), 'utf8');
const version = /<Version>([^<]+)<\/Version>/.exec(csproj)?.[1] ?? '0.0.0';
const outArg = process.argv.indexOf('--out');
const out =
  outArg > 0 ? process.argv[outArg + 1] : join(here, 'dist', `EnigmaApex-NinjaTrader8-${version}.zip`);

// The oldest NinjaTrader 8 release the sources are written for: 8.1, whose NinjaScript compiler
// takes C# 7.3 (the client core uses discards and `await` in `finally`, which 8.0 refuses).
// NinjaTrader refuses archives exported from a newer version than the one installed.
const NINJATRADER_VERSION = '8.1.0.0';

function listCs(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'bin' || name === 'obj') continue;
      files.push(...listCs(path));
    } else if (name.endsWith('.cs')) {
      files.push(path);
    }
  }
  return files.sort();
}

const entries = [];
const add = (zipPath, data) =>
  entries.push({ zipPath: zipPath.split(sep).join('/'), data: Buffer.from(data) });

add(
  'Info.xml',
  `<?xml version="1.0" encoding="utf-8"?>\r\n<NinjaTrader>\r\n  <Export>\r\n    <Version>${NINJATRADER_VERSION}</Version>\r\n  </Export>\r\n</NinjaTrader>\r\n`,
);
const ntRoot = join(here, 'NinjaTrader');
for (const file of listCs(ntRoot)) add(relative(ntRoot, file), readFileSync(file));
const coreRoot = join(here, 'EnigmaApex.Client');
for (const file of listCs(coreRoot))
  add(join('AddOns', 'EnigmaApex', 'Client', relative(coreRoot, file)), readFileSync(file));

// ---- a minimal zip writer (deflate, no extra fields, fixed timestamp for reproducible output) ----
const DOS_TIME = 0; // 00:00:00
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1; // 2026-01-01
const locals = [];
const centrals = [];
let offset = 0;
for (const { zipPath, data } of entries) {
  const name = Buffer.from(zipPath, 'utf8');
  const compressed = deflateRawSync(data, { level: 9 });
  const crc = crc32(data) >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  locals.push(local, name, compressed);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // made by
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(offset, 42);
  centrals.push(central, name);
  offset += local.length + name.length + compressed.length;
}
const centralSize = centrals.reduce((n, b) => n + b.length, 0);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(entries.length, 8);
end.writeUInt16LE(entries.length, 10);
end.writeUInt32LE(centralSize, 12);
end.writeUInt32LE(offset, 16);

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, Buffer.concat([...locals, ...centrals, end]));
process.stdout.write(
  `${relative(process.cwd(), out)}: ${entries.length} files (NinjaTrader import: Tools › Import › NinjaScript Add-On…)\n`,
);

if (process.argv.includes('--verify')) verify(out);

/** Reads the zip's central directory back and compares every entry with its source file. */
function verify(zipFile) {
  const zip = readFileSync(zipFile);
  const problems = [];
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${zipFile}: no end of central directory`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const found = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${zipFile}: bad central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + size);
    const data = method === 8 ? inflateRawSync(raw) : raw;
    if (crc32(data) >>> 0 !== crc) problems.push(`${name}: CRC mismatch`);
    found.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  const expected = new Map([['Info.xml', null]]);
  for (const file of listCs(ntRoot)) expected.set(relative(ntRoot, file).split(sep).join('/'), file);
  for (const file of listCs(coreRoot))
    expected.set(join('AddOns', 'EnigmaApex', 'Client', relative(coreRoot, file)).split(sep).join('/'), file);
  for (const [name, file] of expected) {
    if (!found.has(name)) problems.push(`${name}: missing`);
    else if (file && !found.get(name).equals(readFileSync(file)))
      problems.push(`${name}: differs from ${file}`);
  }
  for (const name of found.keys())
    if (!expected.has(name)) problems.push(`${name}: not expected in the import zip`);
  for (const needed of [
    'AddOns/EnigmaApex/EnigmaApexAddOn.cs',
    'AddOns/EnigmaApex/NinjaTraderBroker.cs',
    'Indicators/EnigmaBridge.cs',
    'AddOns/EnigmaApex/Client/EnigmaClient.cs',
    'AddOns/EnigmaApex/Client/Bridge/BracketTracker.cs',
  ])
    if (!found.has(needed)) problems.push(`${needed}: missing`);
  const info = found.has('Info.xml') ? found.get('Info.xml').toString('utf8') : '';
  const version = /<Version>(\d+)\.(\d+)\.[\d.]+<\/Version>/.exec(info);
  if (!version || Number(version[1]) !== 8 || Number(version[2]) < 1)
    problems.push(`Info.xml: must declare NinjaTrader 8.1 or later, has ${info.trim()}`);
  if (problems.length > 0) {
    process.stderr.write(`${relative(process.cwd(), zipFile)} is wrong:\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `${relative(process.cwd(), zipFile)}: verified ${found.size} entries (NinjaTrader ${NINJATRADER_VERSION})\n`,
  );
}
