/**
 * Checks of where a command will write, done before any long computation, so a typo in
 * `--out` costs a second, not a training run: the path must not be a file (for a folder) or a
 * folder (for a file), must not lie under a file, and its nearest existing folder must take
 * a new file. Nothing is created except a probe file that is removed at once.
 */
import { closeSync, openSync, rmSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { inputError } from '../errors.js';

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The nearest existing ancestor of `path` (itself if it exists). */
function nearestExisting(path: string): { path: string; stats: Stats } {
  let current = resolve(path);
  for (;;) {
    const stats = statOrUndefined(current);
    if (stats) return { path: current, stats };
    const parent = dirname(current);
    if (parent === current) throw inputError('no existing folder above the destination', path);
    current = parent;
  }
}

/**
 * Whether a new file can be created in `folder`: tried, not asked (access(2) says yes to
 * root on a read-only or special file system).
 */
function checkWritable(folder: string, option: string, destination: string): void {
  const probe = join(folder, `.lssl-write-probe-${hostname()}-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // a probe of another thread of this process: the folder takes files
    const why =
      code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code;
    throw inputError(`${option} ${destination} cannot be written: ${why}`, folder);
  }
}

/** A folder that will be created or written into (`--out DIR`, `--cache DIR`). */
export function checkOutputFolder(path: string, option = '--out', { writable = true } = {}): void {
  const found = nearestExisting(path);
  if (found.path === resolve(path) && !found.stats.isDirectory())
    throw inputError(`${option} must be a folder, and a file has that name`, path);
  if (!found.stats.isDirectory())
    throw inputError(`${option} ${path} cannot be created: a part of its path is a file`, found.path);
  if (writable) checkWritable(found.path, option, path);
}

/** A file that will be written (`--out FILE.csv`). */
export function checkOutputFile(path: string, option = '--out'): void {
  const stats = statOrUndefined(path);
  if (stats?.isDirectory()) throw inputError(`${option} must be a file name, and a folder has that name`, path);
  const found = nearestExisting(dirname(resolve(path)));
  if (!found.stats.isDirectory())
    throw inputError(`${option} ${path} cannot be created: a part of its path is a file`, found.path);
  if (found.path !== dirname(resolve(path)))
    throw inputError(`${option} ${path} cannot be created: its folder does not exist`, dirname(resolve(path)));
  checkWritable(found.path, option, path);
}
