/**
 * Atomic file output for every writer in lssl: write to a temporary sibling, then rename, so
 * a reader (or a resumed run, or another shard writing the same cache) sees the old file or
 * the new one, never half of one.
 */
import { renameSync, rmSync, writeFileSync, promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { inputError, runtimeError, type LsslError } from '../errors.js';

let counter = 0;

/**
 * A temporary name beside `path` (same folder, so rename stays on one file system), unique
 * across hosts sharing a cache folder, processes, and worker threads (which share a pid).
 */
export function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${hostname()}-${process.pid}-${threadId}-${counter++}`);
}

/** The user-facing error for a failed write: a missing folder or permissions are bad input. */
function writeError(error: unknown, path: string): LsslError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return inputError('cannot write: the folder does not exist', path);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return inputError('cannot write: permission denied', path);
  if (code === 'EISDIR') return inputError('cannot write: a folder has that name', path);
  return runtimeError(`cannot write (${code ?? (error as Error).message})`, path, error);
}

/** Writes `data` to `file` and flushes it to the disk before returning. */
async function writeAndSync(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes and flushes to a temporary sibling, then renames it to `path`. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = temporarySibling(path);
  try {
    await writeAndSync(temp, data);
    await fs.rename(temp, path);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw writeError(error, path);
  }
}

/**
 * Several files that belong together (model.json + weights.bin): every one is written and
 * flushed to a temporary sibling first, and only when all are on disk are they renamed into
 * place, so a failed write (no space, no permission) leaves the old set whole. Renames do not
 * allocate space; a crash between two of them is the only window, and readers check the
 * pair (weights.ts' hash).
 */
export async function writeFilesAtomic(files: readonly { path: string; data: string | Uint8Array }[]): Promise<void> {
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const { path, data } of files) {
      const temp = temporarySibling(path);
      staged.push({ temp, path });
      try {
        await writeAndSync(temp, data);
      } catch (error) {
        throw writeError(error, path);
      }
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => fs.unlink(temp).catch(() => undefined)));
    throw error;
  }
  for (const { temp, path } of staged) {
    try {
      await fs.rename(temp, path);
    } catch (error) {
      throw writeError(error, path);
    }
  }
}

/** The synchronous form, for worker threads and the cache's hot path. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const temp = temporarySibling(path);
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw writeError(error, path);
  }
}
