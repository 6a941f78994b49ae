/**
 * The last line of defence for file-system errors that reach the CLI unconverted: Node's
 * "ENOTDIR: not a directory, mkdir '/a/b'" becomes `not a folder: … (/a/b)`; a missing file,
 * a permission or a path through a file is the user's input (exit 2), a full disk is not (1).
 */
import { LsslError } from '../src/errors.js';

const USER_CAUSES: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder has that name',
  EEXIST: 'a file or folder has that name already',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTEMPTY: 'the folder is not empty',
};
const SYSTEM_CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** An LsslError for a Node file-system error (with a code and a path), else undefined. */
export function errnoError(error: unknown): LsslError | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof e.code !== 'string') return undefined;
  const file = typeof e.path === 'string' ? e.path : undefined;
  const action = e.syscall ? `cannot ${e.syscall}: ` : '';
  if (e.code in USER_CAUSES) return new LsslError(`${action}${USER_CAUSES[e.code]}`, { file, exitCode: 2 });
  if (e.code in SYSTEM_CAUSES) return new LsslError(`${action}${SYSTEM_CAUSES[e.code]}`, { file, exitCode: 1 });
  return undefined;
}
