/**
 * `lssl cohort`'s look at the images themselves: every scan's NIfTI header is read (the
 * first kilobytes only, so a cohort of thousands of scans is checked in seconds) and held to
 * image-checks.ts' header rules (3D, plausible voxel sizes). The voxels (NaN, constant
 * scans) are checked when the scans are preprocessed.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { inputError } from '../errors.js';
import type { Cohort } from './cohort.js';
import { checkImageHeader } from './image-checks.js';
import { parseNiftiHeader, type ParsedNiftiHeader } from './nifti-header.js';
import { pairPaths } from './nifti.js';

/** Bytes read from the start of a file: a NIfTI-2 header is 540, extensions are not needed. */
const PEEK_BYTES = 64 * 1024;

function readStart(path: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw inputError(code === 'ENOENT' ? 'image not found' : `cannot read the image (${code})`, path);
  }
  try {
    const buffer = Buffer.alloc(PEEK_BYTES);
    const n = readSync(fd, buffer, 0, PEEK_BYTES, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The parsed header of a NIfTI file (single file or pair), reading only its first bytes. */
export function readNiftiHeader(path: string): ParsedNiftiHeader {
  const headerFile = pairPaths(path)?.header ?? path;
  let bytes = readStart(headerFile);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // a sync flush inflates what the first bytes hold instead of failing on the missing rest
      bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw inputError(`corrupt gzip data (${(error as Error).message})`, headerFile);
    }
  }
  return parseNiftiHeader(bytes, headerFile);
}

/** Reads every scan's header and refuses the first that is not a 3D MRI volume (exit 2). */
export function checkCohortImages(cohort: Cohort, volume?: number): void {
  for (const subject of cohort.subjects) {
    for (const scan of subject.scans) checkImageHeader(readNiftiHeader(scan.path), scan.path, volume);
  }
}
