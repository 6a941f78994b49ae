/**
 * One scan through the cache: find its entry by content and settings, or read the NIfTI,
 * preprocess it and store it. Used in the main thread and in the worker threads alike, so
 * it holds at most one source file and one volume at a time.
 */
import { readFileSync } from 'node:fs';
import { inputError } from '../errors.js';
import { pairPaths, readNiftiSource } from './nifti.js';
import { checkedVolume } from './image-checks.js';
import { canonicalPreprocessOptions, preprocess, type PreprocessOptions } from './transforms.js';
import type { Volume } from './volume.js';
import {
  entryKey,
  fileSignature,
  readEntry,
  rememberContentHash,
  rememberedContentHash,
  sha256,
  writeEntry,
  type CacheDtype,
  type CacheEntryMeta,
} from './cache-store.js';

/** What turns a source file into the stored volume; `settings` enter every cache key. */
export interface ScanPreprocessor {
  /** canonical, JSON-serialisable settings: equal settings must give equal volumes */
  settings: unknown;
  /**
   * `bytes` is the single file's content when already read (a .hdr/.img pair is read by path);
   * `warn` hears what was repaired in the source (e.g. a few NaN voxels set to 0); `volume`
   * is the chosen volume of a 4D image.
   */
  run(path: string, bytes?: Uint8Array, warn?: (message: string) => void, volume?: number): Promise<Volume> | Volume;
}

/**
 * The standard chain: readNifti → the checks of image-checks.ts (3D, voxel sizes, finite and
 * non-constant voxels) → preprocess (RAS+, resample, crop/pad, normalise).
 */
export function niftiPreprocessor(options: PreprocessOptions = {}): ScanPreprocessor {
  const settings = canonicalPreprocessOptions(options);
  return {
    settings,
    run: async (path, bytes, warn, chosen) => {
      const { volume, warnings } = checkedVolume(await readNiftiSource(bytes ?? path, { name: path }), path, chosen);
      for (const warning of warnings) warn?.(warning);
      return preprocess(volume, settings);
    },
  };
}

/** The files whose bytes make up a source: one, or the .hdr and .img of a pair. */
export function sourceFiles(path: string): string[] {
  const pair = pairPaths(path);
  return pair ? [pair.header, pair.image] : [path];
}

export interface EnsureResult {
  status: 'cached' | 'built' | 'rebuilt';
  key: string;
  /** why a present entry was rebuilt */
  reason?: string;
  /** what was repaired in the source while building the entry */
  warnings?: string[];
  meta?: CacheEntryMeta;
  volume?: Volume;
}

export interface EnsureOptions {
  cacheDir: string;
  dtype: CacheDtype;
  /** check stored data against its sha256 (default true) */
  verify?: boolean;
  /** return the volume too (for loadPreprocessed) */
  load?: boolean;
  /** the 0-based volume of a 4D source (Scan.volume); part of the entry's key when given */
  volume?: number;
}

/** The files behind `path` and their signature (size, mtime, inode); 'image not found' when one is missing. */
export function sourceSignature(path: string): { files: string[]; signature: string } {
  const files = sourceFiles(path);
  try {
    return { files, signature: fileSignature(files) };
  } catch {
    throw inputError('image not found', path);
  }
}

/**
 * Makes sure `path` has a valid entry under `pipeline`'s settings, building it if it is
 * missing or corrupt. The content hash is re-read only when the file's size, mtime or inode
 * changed since it was last hashed, so resuming a finished run reads no image at all.
 */
export async function ensureEntry(
  path: string,
  pipeline: ScanPreprocessor,
  options: EnsureOptions,
): Promise<EnsureResult> {
  const { files, signature } = sourceSignature(path);
  let bytes: Uint8Array | undefined;
  let contentHash = rememberedContentHash(options.cacheDir, path, signature);
  if (contentHash === undefined) {
    const contents = files.map((file) => readSource(file));
    if (files.length === 1) bytes = contents[0];
    contentHash = sha256(...contents);
    rememberContentHash(options.cacheDir, path, signature, contentHash);
  }
  const settings = cacheSettings(pipeline, options.dtype, options.volume);
  const key = entryKey(contentHash, settings);
  const existing = readEntry(options.cacheDir, key, { verify: options.verify ?? true, load: options.load ?? false });
  if (existing.state === 'ok') return { status: 'cached', key, meta: existing.meta, volume: existing.volume };
  const warnings: string[] = [];
  const volume = await pipeline.run(path, bytes, (warning) => warnings.push(warning), options.volume);
  const meta = writeEntry(options.cacheDir, key, volume, options.dtype, { path, contentHash }, settings);
  const stored = options.load
    ? options.dtype === 'float32'
      ? volume
      : storedVolume(options.cacheDir, key)
    : undefined;
  const built = { key, meta, volume: stored, ...(warnings.length > 0 && { warnings }) };
  return existing.state === 'corrupt'
    ? { status: 'rebuilt', reason: existing.reason, ...built }
    : { status: 'built', ...built };
}

/** What a float16 entry gives back (its rounded values, not the float32 that went in). */
function storedVolume(cacheDir: string, key: string): Volume | undefined {
  const entry = readEntry(cacheDir, key, { verify: false });
  return entry.state === 'ok' ? entry.volume : undefined;
}

function readSource(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw inputError(`cannot read image: ${(error as Error).message}`, file);
  }
}

/** Everything that decides an entry's bytes besides the source: the chain's settings and the storage type. */
export function cacheSettings(pipeline: ScanPreprocessor, dtype: CacheDtype, volume?: number): unknown {
  // a 3D source's key is unchanged by the volume choice's existence (stableJson drops undefined)
  return { preprocess: pipeline.settings, dtype, volume };
}
