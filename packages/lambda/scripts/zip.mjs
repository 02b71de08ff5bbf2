// Writes dist/handler.zip: the Lambda deployment package (handler.mjs at the root, plus
// any files named on the command line, e.g. a config for IMGSYNC_CONFIG_FILE).
// A plain ZIP writer on Node's zlib (deflate + crc32), so the build needs no zip binary
// and no extra dependency. Timestamps are fixed so the zip is reproducible.
//
//   node scripts/zip.mjs [extra-file ...]
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const inputs = [join(dist, 'handler.mjs'), ...process.argv.slice(2)];

// 1980-01-01 00:00 in MS-DOS time/date: no build-time bytes in the archive.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

const locals = [];
const centrals = [];
let offset = 0;
for (const file of inputs) {
  const data = readFileSync(file);
  const name = Buffer.from(basename(file));
  const deflated = deflateRawSync(data, { level: 9 });
  const crc = crc32(data);
  const mode = statSync(file).mode & 0o777 || 0o644;

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(deflated.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  locals.push(local, name, deflated);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (keeps the mode bits)
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(deflated.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38); // external attributes: regular file + mode
  central.writeUInt32LE(offset, 42);
  centrals.push(central, name);
  offset += local.length + name.length + deflated.length;
}
const centralSize = centrals.reduce((n, b) => n + b.length, 0);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(inputs.length, 8);
end.writeUInt16LE(inputs.length, 10);
end.writeUInt32LE(centralSize, 12);
end.writeUInt32LE(offset, 16);
const zip = Buffer.concat([...locals, ...centrals, end]);
writeFileSync(join(dist, 'handler.zip'), zip);
console.log(`dist/handler.zip ${(zip.length / 1024).toFixed(1)} KiB (${inputs.map((f) => basename(f)).join(', ')})`);
