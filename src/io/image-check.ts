/**
 * `lssl cohort --check-images`: what a cohort's scans are, from their headers — dims, voxel
 * sizes, orientation, datatype, tallied — and every scan that cannot be used as it is, with
 * the reason image-checks.ts would refuse it when preprocessed (2D, 4D without --volume,
 * implausible voxel sizes, mostly NaN or constant) or the NaN/±∞ it would set to 0. Plain
 * `lssl cohort` stops at the first such scan; this lists them all.
 *
 * Only the header is read (cohort-images.ts: the first 64 kB of the file), so a cohort of
 * thousands of scans is checked in seconds. NaN and ±∞ can only be stored in float32/float64
 * voxels (integer voxels are scaled by a finite scl_slope or not at all), so only float scans
 * are read in full.
 */
import { LsslError } from '../errors.js';
import type { Cohort } from './cohort.js';
import { readNiftiHeader } from './cohort-images.js';
import { checkImageHeader, checkVoxels } from './image-checks.js';
import type { ParsedNiftiHeader } from './nifti-header.js';
import { niftiToVolume, readNifti, type NiftiImage } from './nifti.js';
import { orientationCode } from './orientation.js';

export { readNiftiHeader } from './cohort-images.js';

export interface ImageCheck {
  subject: string;
  session: string;
  path: string;
  /** dim[1..dim[0]] as stored */
  shape: number[];
  /** spatial voxel sizes in mm (pixdim[1..3]) */
  voxelMm: number[];
  /** nibabel's aff2axcodes of the affine, e.g. RAS, LAS, PSR */
  orientation: string;
  datatype: string;
  /** NaN or ±∞ voxels (float scans only; 0 for integer scans, which cannot hold them) */
  nonFinite: number;
  /** why this scan cannot be used as it is (the refusals of image-checks.ts), or 'unreadable: …' */
  problems: string[];
}

export interface ImageCheckReport {
  scans: number;
  /** how many scans have each value */
  dims: Record<string, number>;
  voxelSizes: Record<string, number>;
  orientations: Record<string, number>;
  datatypes: Record<string, number>;
  /** the scans with a problem */
  flagged: ImageCheck[];
  images: ImageCheck[];
  seconds: number;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function countNonFinite(data: Float32Array): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) n++;
  return n;
}

/**
 * Checks one scan: its header against image-checks.ts (3D, or 4D with `volume` chosen;
 * plausible voxel sizes), and a float scan's voxels (NaN/±∞, constant). An unreadable file
 * comes back with its reason among the problems.
 */
export async function checkImage(
  scan: { subject: string; session: string; path: string },
  volume?: number,
): Promise<ImageCheck> {
  const base = { subject: scan.subject, session: scan.session, path: scan.path };
  let header: ParsedNiftiHeader;
  try {
    header = readNiftiHeader(scan.path);
  } catch (error) {
    if (!(error instanceof LsslError)) throw error;
    const empty = { shape: [], voxelMm: [], orientation: '', datatype: '', nonFinite: 0 };
    return { ...base, ...empty, problems: [`unreadable: ${error.message}`] };
  }
  const problems: string[] = [];
  const refusal = (error: unknown) => {
    if (!(error instanceof LsslError)) throw error;
    problems.push(error.message);
  };
  try {
    checkImageHeader(header, scan.path, volume);
  } catch (error) {
    refusal(error);
  }
  let nonFinite = 0;
  if (problems.length === 0 && (header.datatype.name === 'float32' || header.datatype.name === 'float64')) {
    let image: NiftiImage | undefined;
    try {
      image = await readNifti(scan.path);
    } catch (error) {
      if (!(error instanceof LsslError)) throw error;
      problems.push(`unreadable: ${error.message}`);
    }
    if (image) {
      nonFinite = countNonFinite(image.data);
      try {
        const warnings = checkVoxels(niftiToVolume(image, volume ?? 0), scan.path);
        problems.push(...warnings.map((w) => `${w} when preprocessed`));
      } catch (error) {
        refusal(error);
      }
    }
  }
  return {
    ...base,
    shape: header.shape,
    voxelMm: header.spacing.slice(0, 3).map(round),
    orientation: orientationCode(header.affine),
    datatype: header.datatype.name,
    nonFinite,
    problems,
  };
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** Checks every scan of a cohort (sequentially: header reads are I/O-bound and short). */
export async function checkImages(cohort: Cohort, volume?: number): Promise<ImageCheckReport> {
  const started = performance.now();
  const images: ImageCheck[] = [];
  for (const subject of cohort.subjects) for (const scan of subject.scans) images.push(await checkImage(scan, volume));
  const readable = images.filter((i) => i.datatype !== '');
  return {
    scans: images.length,
    dims: tally(readable.map((i) => i.shape.join('×'))),
    voxelSizes: tally(readable.map((i) => i.voxelMm.join('×'))),
    orientations: tally(readable.map((i) => i.orientation)),
    datatypes: tally(readable.map((i) => i.datatype)),
    flagged: images.filter((i) => i.problems.length > 0),
    images,
    seconds: (performance.now() - started) / 1000,
  };
}

function showCounts(counts: Record<string, number>, max = 6): string {
  const entries = Object.entries(counts);
  const shown = entries.slice(0, max).map(([value, n]) => `${value} (${n})`);
  if (entries.length > max) shown.push(`… ${entries.length - max} more`);
  return shown.join(', ') || '–';
}

/** The report as lines for the terminal. */
export function formatImageCheck(report: ImageCheckReport, maxFlagged = 20): string[] {
  const lines = [
    `images: ${report.scans} scans checked in ${report.seconds.toFixed(1)} s`,
    `  dims: ${showCounts(report.dims)}`,
    `  voxel sizes (mm): ${showCounts(report.voxelSizes)}`,
    `  orientations: ${showCounts(report.orientations)}`,
    `  datatypes: ${showCounts(report.datatypes)}`,
  ];
  if (report.flagged.length === 0) lines.push('  no scan flagged (2D, 4D, voxel size, NaN/∞, constant, unreadable)');
  else {
    lines.push(`  flagged: ${report.flagged.length} scans`);
    for (const f of report.flagged.slice(0, maxFlagged))
      lines.push(`    ${f.subject}/${f.session}: ${f.problems.join('; ')} (${f.path})`);
    if (report.flagged.length > maxFlagged)
      lines.push(`    … ${report.flagged.length - maxFlagged} more (--json lists all)`);
  }
  return lines;
}
