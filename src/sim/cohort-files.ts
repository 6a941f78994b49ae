/**
 * What both phantoms (procedural and template) write the same way: the BIDS text files,
 * number formats, argument checks and the guard that never overwrites a user's folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { Storage } from './storage.js';
import type { SimScan } from './subject.js';

export const GENERATOR_NAME = 'lssl simulate';

export function checkCount(name: string, value: number, lo: number, hi: number): void {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw inputError(`${name} must be an integer from ${lo} to ${hi}, not ${value}`);
  }
}

/** Rounds for the TSV files (no float noise in the text). */
export function fixed(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** Six significant digits: volumes of tiny phantoms are small numbers. */
export function significant(value: number): number {
  return Number(value.toPrecision(6));
}

export function tsv(columns: string[], rows: Record<string, string | number>[]): string {
  return [columns.join('\t'), ...rows.map((row) => columns.map((c) => String(row[c])).join('\t'))].join('\n') + '\n';
}

export async function writeText(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(text));
}

/** Refuses to write into a folder that holds anything but an earlier phantom; clears that one. */
export async function prepareOutput(out: string): Promise<void> {
  if (existsSync(out)) {
    const entries = readdirSync(out);
    if (entries.length > 0) {
      const description = join(out, 'dataset_description.json');
      let generated = false;
      try {
        const json = JSON.parse(readFileSync(description, 'utf8'));
        generated =
          Array.isArray(json.GeneratedBy) && json.GeneratedBy.some((g: { Name?: string }) => g.Name === GENERATOR_NAME);
      } catch {
        generated = false;
      }
      if (!generated)
        throw inputError(
          'output folder must be empty or hold an earlier lssl phantom, and this one holds other files',
          out,
        );
      for (const entry of entries)
        if (entry.startsWith('sub-')) await rm(join(out, entry), { recursive: true, force: true });
    }
  }
  await mkdir(out, { recursive: true });
}

/** The columns every phantom's ground_truth.tsv opens with: who, when, and the atrophy model. */
export const SUBJECT_COLUMNS = [
  'participant_id',
  'session_id',
  'path',
  'age',
  'sex',
  'diagnosis',
  'atrophy',
  'atrophy_rate',
  'rate_multiplier',
  'baseline_age',
];

export function subjectColumns(scan: SimScan, path: string): Record<string, string | number> {
  const s = scan.subject;
  return {
    participant_id: `sub-${s.label}`,
    session_id: `ses-${scan.sessionLabel}`,
    path,
    age: scan.age,
    sex: s.sex,
    diagnosis: s.diagnosis,
    atrophy: fixed(scan.atrophy, 4),
    atrophy_rate: fixed(s.atrophyRate, 5),
    rate_multiplier: fixed(s.rateMultiplier, 3),
    baseline_age: s.baselineAge,
  };
}

/** The columns every phantom's ground_truth.tsv closes with: the visit's pose and nuisances, and its storage. */
export const ACQUISITION_COLUMNS = [
  'rot_x_deg',
  'rot_y_deg',
  'rot_z_deg',
  'trans_x_mm',
  'trans_y_mm',
  'trans_z_mm',
  'gain',
  'noise_sd',
  'orientation',
  'voxel_mm',
  'tilt_deg',
  'dims',
  'datatype',
];

export function acquisitionColumns(
  scan: SimScan,
  storage: Storage,
  dims: readonly number[],
): Record<string, string | number> {
  return {
    rot_x_deg: fixed(scan.pose.rotationDeg[0], 3),
    rot_y_deg: fixed(scan.pose.rotationDeg[1], 3),
    rot_z_deg: fixed(scan.pose.rotationDeg[2], 3),
    trans_x_mm: fixed(scan.pose.translationMm[0], 3),
    trans_y_mm: fixed(scan.pose.translationMm[1], 3),
    trans_z_mm: fixed(scan.pose.translationMm[2], 3),
    gain: fixed(scan.gain, 2),
    noise_sd: fixed(scan.noiseSd, 4),
    orientation: storage.axcodes,
    voxel_mm: storage.voxelMm.join('x'),
    tilt_deg: storage.tiltDeg,
    dims: dims.join('x'),
    datatype: storage.datatype,
  };
}
