/**
 * The on-disk layout of the preprocessed cache, shared by every process that writes it
 * (the CLI, its worker threads, and the tasks of an HPC job array on a shared folder):
 *
 *   <cacheDir>/entries/<k0k1>/<key>.json   metadata: shape, spacing, affine, dtype, bytes,
 *                                          sha256 of the data, source path + content hash, settings
 *   <cacheDir>/entries/<k0k1>/<key>.bin    voxels, little-endian float32 or float16, x fastest
 *   <cacheDir>/sources/<h0h1>/<hash>.json  what a source file's content hash was at a given
 *                                          (size, mtime, inode), so a resumed run need not re-read it
 *
 * key = sha256(format, source content hash, canonical settings): a changed file or setting
 * gives a new key, everything else is found again. Each file is written to a unique
 * temporary name in its folder and renamed, so readers never see half an entry; the .json
 * is renamed last, so an entry exists only once its data is complete. Tasks writing the
 * same key (two copies of one file) write identical bytes, and the last rename wins.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFloat16, encodeFloat16 } from './float16.js';
import type { Affine, Volume } from './volume.js';
import { voxelCount } from './volume.js';
import { writeFileAtomicSync } from './atomic.js';

export const CACHE_FORMAT = 1;

export type CacheDtype = 'float32' | 'float16';

export interface CacheEntryMeta {
  format: number;
  key: string;
  shape: [number, number, number];
  spacing: [number, number, number];
  affine: Affine;
  dtype: CacheDtype;
  /** size of the .bin file */
  bytes: number;
  /** sha256 of the .bin file, hex */
  checksum: string;
  source: { path: string; contentHash: string };
  settings: unknown;
}

/** Same value → same text: object keys sorted at every level. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/** The cache key of a source content hash under canonical settings. */
export function entryKey(contentHash: string, settings: unknown): string {
  return sha256(`lssl-cache/${CACHE_FORMAT}\n${contentHash}\n${stableJson(settings)}`).slice(0, 40);
}

export function entryPaths(cacheDir: string, key: string): { meta: string; data: string; folder: string } {
  const folder = join(cacheDir, 'entries', key.slice(0, 2));
  return { folder, meta: join(folder, `${key}.json`), data: join(folder, `${key}.bin`) };
}

/** Stores a preprocessed volume as an entry; returns its metadata. */
export function writeEntry(
  cacheDir: string,
  key: string,
  volume: Volume,
  dtype: CacheDtype,
  source: CacheEntryMeta['source'],
  settings: unknown,
): CacheEntryMeta {
  const { folder, meta, data } = entryPaths(cacheDir, key);
  mkdirSync(folder, { recursive: true });
  const raw = dtype === 'float16' ? encodeFloat16(volume.data) : volume.data;
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const metadata: CacheEntryMeta = {
    format: CACHE_FORMAT,
    key,
    shape: [...volume.shape] as [number, number, number],
    spacing: [...volume.spacing] as [number, number, number],
    affine: volume.affine.map((row) => [...row]),
    dtype,
    bytes: bytes.byteLength,
    checksum: sha256(bytes),
    source,
    settings,
  };
  writeFileAtomicSync(data, bytes);
  writeFileAtomicSync(meta, `${JSON.stringify(metadata, null, 1)}\n`);
  return metadata;
}

export type EntryState =
  | { state: 'missing' }
  | { state: 'corrupt'; reason: string }
  | { state: 'ok'; meta: CacheEntryMeta; volume?: Volume };

/**
 * Reads an entry and checks it: metadata that parses and fits its shape, a data file of
 * the stated size, and (with `verify`, the default) the stated sha256. `load: false`
 * checks without keeping the voxels.
 */
export function readEntry(
  cacheDir: string,
  key: string,
  options: { verify?: boolean; load?: boolean } = {},
): EntryState {
  const { meta, data } = entryPaths(cacheDir, key);
  let text: string;
  try {
    text = readFileSync(meta, 'utf8');
  } catch {
    return { state: 'missing' };
  }
  let metadata: CacheEntryMeta;
  try {
    metadata = JSON.parse(text);
  } catch {
    return { state: 'corrupt', reason: 'metadata is not valid JSON' };
  }
  const bytesPerVoxel = metadata.dtype === 'float16' ? 2 : metadata.dtype === 'float32' ? 4 : 0;
  if (
    metadata.format !== CACHE_FORMAT ||
    metadata.key !== key ||
    bytesPerVoxel === 0 ||
    !Array.isArray(metadata.shape) ||
    metadata.bytes !== voxelCount(metadata.shape) * bytesPerVoxel
  ) {
    return { state: 'corrupt', reason: 'metadata does not describe this entry' };
  }
  const buffer = readWhole(data);
  if (buffer === undefined) return { state: 'corrupt', reason: 'data file is missing' };
  if (buffer.byteLength !== metadata.bytes)
    return { state: 'corrupt', reason: `data file has ${buffer.byteLength} bytes, not ${metadata.bytes}` };
  if ((options.verify ?? true) && sha256(buffer) !== metadata.checksum)
    return { state: 'corrupt', reason: 'data checksum differs' };
  if (options.load === false) return { state: 'ok', meta: metadata };
  const voxels =
    metadata.dtype === 'float16'
      ? decodeFloat16(new Uint16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 2))
      : new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  return {
    state: 'ok',
    meta: metadata,
    volume: { data: voxels, shape: metadata.shape, spacing: metadata.spacing, affine: metadata.affine },
  };
}

/** The whole file in one fresh, 8-byte aligned buffer (so typed views need no copy), or undefined. */
function readWhole(path: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(new ArrayBuffer(size));
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, bytes, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

/** Identity of a source's current bytes without reading them: size, mtime and inode of each file. */
export function fileSignature(files: string[]): string {
  return files
    .map((file) => {
      const s = statSync(file, { bigint: true });
      return `${s.size}:${s.mtimeNs}:${s.ino}`;
    })
    .join('|');
}

interface SourceRecord {
  path: string;
  signature: string;
  contentHash: string;
}

function sourceRecordPath(cacheDir: string, path: string): string {
  const h = sha256(path);
  return join(cacheDir, 'sources', h.slice(0, 2), `${h}.json`);
}

/** The content hash remembered for `path` if its files still have `signature`. */
export function rememberedContentHash(cacheDir: string, path: string, signature: string): string | undefined {
  const file = sourceRecordPath(cacheDir, path);
  if (!existsSync(file)) return undefined;
  try {
    const record: SourceRecord = JSON.parse(readFileSync(file, 'utf8'));
    return record.path === path && record.signature === signature ? record.contentHash : undefined;
  } catch {
    return undefined; // a damaged record only costs a re-read of the source
  }
}

export function rememberContentHash(cacheDir: string, path: string, signature: string, contentHash: string): void {
  const file = sourceRecordPath(cacheDir, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileAtomicSync(file, JSON.stringify({ path, signature, contentHash } satisfies SourceRecord));
}
