/**
 * The deployment artefacts of `pnpm --filter @imgsync/lambda build`: `dist/handler.mjs`
 * (one ES module, nothing external but Node built-ins and the lazily imported AWS SDK)
 * and `dist/handler.zip` (that file at the zip's root, what Lambda's `Handler:
 * handler.handler` expects).
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundlePath, zipPath } from './support/lambda-sandbox.js';

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  data: Buffer;
  unixMode: number;
}

/** Reads a zip through its central directory, as unzip and Lambda do. */
function readZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const unixMode = zip.readUInt32LE(at + 38) >>> 16;
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    entries.push({ name, method, crc, unixMode, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('the Lambda bundle', () => {
  const bundle = readFileSync(bundlePath, 'utf8');

  it('imports only Node built-ins statically, and the AWS SDK only lazily', () => {
    const staticImports = [...bundle.matchAll(/(?:^|[;\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
    expect(staticImports.filter((s) => !builtinModules.includes(s!.replace(/^node:/, '')))).toEqual([]);
    expect(staticImports.length).toBeGreaterThan(0);
    expect(bundle).not.toMatch(/require\(["']@aws-sdk/);
    expect(bundle).not.toMatch(/\.node["']\)/);
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b[^}]*\}/);
  });

  it('is zipped alone at the zip root, intact, readable, under 1 MB', () => {
    const zip = readFileSync(zipPath);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['handler.mjs']);
    const [entry] = entries;
    expect(entry!.method).toBe(8);
    expect(entry!.data.equals(readFileSync(bundlePath))).toBe(true);
    expect(crc32(entry!.data)).toBe(entry!.crc);
    expect(entry!.unixMode & 0o444).toBe(0o444);
    expect(zip.length).toBeLessThanOrEqual(1024 * 1024);
  });
});
