/**
 * `simulateCohort`: writes lssl's built-in longitudinal data set, a BIDS folder of
 * procedural T1-weighted head phantoms (docs/phantom.md):
 *
 *   dataset_description.json  participants.tsv (participant_id, sex, diagnosis)
 *   ground_truth.tsv          the hidden parameters of every scan
 *   sub-XX/sub-XX_sessions.tsv (session_id, age)
 *   sub-XX/ses-YY/anat/sub-XX_ses-YY_T1w.nii[.gz]
 *
 * Deterministic for a seed; subject i (and its visit v) is the same whatever the number of
 * subjects (and visits), as long as the labels keep their width (fewer than 100 subjects).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createRng } from '../rng.js';
import { inputError } from '../errors.js';
import { writeNifti } from '../io/nifti.js';
import {
  ACQUISITION_COLUMNS,
  GENERATOR_NAME,
  SUBJECT_COLUMNS,
  acquisitionColumns,
  checkCount,
  fixed,
  prepareOutput,
  significant,
  subjectColumns,
  tsv,
  writeText,
} from './cohort-files.js';
import { headToWorld, modelVentricleVolume, renderScan, type Grid, type TissueVolumes } from './render.js';
import { NOMINAL_VOXEL_MM, storageGrid } from './storage.js';
import { drawScans, drawSubject, type SimScan } from './subject.js';

export interface SimulateOptions {
  /** output folder (created; a previous phantom there is replaced, anything else is refused) */
  out: string;
  /** number of subjects (default 24) */
  subjects?: number;
  /** visits per subject (default 3) */
  visits?: number;
  seed?: number;
  /** nominal grid: the field of view is shape × 1.25 mm on every axis (default 64) */
  shape?: number;
  /** scale of the per-visit nuisances: 1 (default) registered clinical scans, 0 noise-free and perfectly registered */
  nuisance?: number;
  /** scale of the per-visit misregistration alone, on top of `nuisance` (default 1; 3.3 ≈ ± 1° repositioning) */
  misregistration?: number;
  /** called after each written scan */
  onProgress?: (done: number, total: number) => void;
}

/** One row of ground_truth.tsv (numbers as written, rounded). */
export type GroundTruthRow = Record<string, string | number>;

export interface SimulationReport {
  out: string;
  subjects: number;
  visits: number;
  seed: number;
  shape: number;
  scans: number;
  /** image paths relative to `out`, in subject then session order */
  files: string[];
  groundTruth: GroundTruthRow[];
  seconds: number;
}

const GROUND_TRUTH_COLUMNS = [
  ...SUBJECT_COLUMNS,
  'ventricles_ml',
  'ventricles_grid_ml',
  'grey_matter_ml',
  'white_matter_ml',
  'sulcal_csf_ml',
  'csf_ml',
  'intracranial_ml',
  'ventricle_x_mm',
  'ventricle_y_mm',
  'ventricle_z_mm',
  ...ACQUISITION_COLUMNS,
];

function groundTruthRow(
  scan: SimScan,
  path: string,
  volumes: TissueVolumes,
  grid: Grid,
  unitMm: number,
): GroundTruthRow {
  const s = scan.subject;
  const a = s.anatomy;
  // midpoint between the two ventricle centres, on the midline
  const ventricle = headToWorld([0, a.ventricleCenter[1], a.ventricleCenter[2]], scan.pose, unitMm);
  return {
    ...subjectColumns(scan, path),
    ventricles_ml: significant(modelVentricleVolume(a, scan.atrophy, unitMm)),
    ventricles_grid_ml: significant(volumes.ventricles),
    grey_matter_ml: significant(volumes.greyMatter),
    white_matter_ml: significant(volumes.whiteMatter),
    sulcal_csf_ml: significant(volumes.sulcalCsf),
    csf_ml: significant(volumes.csf),
    intracranial_ml: significant(volumes.intracranial),
    ventricle_x_mm: fixed(ventricle[0], 3),
    ventricle_y_mm: fixed(ventricle[1], 3),
    ventricle_z_mm: fixed(ventricle[2], 3),
    ...acquisitionColumns(scan, s.storage, grid.dims),
  };
}

/**
 * Writes a phantom cohort (see the module comment) and returns what it wrote. Rendering
 * is ~40 ms per 64³ scan on one core; writing .nii.gz adds the gzip time.
 */
export async function simulateCohort(options: SimulateOptions): Promise<SimulationReport> {
  const started = performance.now();
  const { subjects = 24, visits = 3, seed = 0, shape = 64 } = options;
  checkCount('subjects', subjects, 1, 9999);
  checkCount('visits', visits, 1, 99);
  checkCount('shape', shape, 8, 512);
  if (!Number.isInteger(seed)) throw inputError(`seed must be an integer, not ${seed}`);
  const nuisance = options.nuisance ?? 1;
  if (!Number.isFinite(nuisance) || nuisance < 0 || nuisance > 10)
    throw inputError(`nuisance must be a number in [0, 10], not ${nuisance}`);
  const misregistration = options.misregistration ?? 1;
  if (!Number.isFinite(misregistration) || misregistration < 0 || misregistration > 100)
    throw inputError(`misregistration must be a number in [0, 100], not ${misregistration}`);
  if (typeof options.out !== 'string' || options.out === '') throw inputError('out must name an output folder');
  const out = resolve(options.out);
  await prepareOutput(out);

  const fovMm = shape * NOMINAL_VOXEL_MM;
  const unitMm = fovMm / 2;
  const labelWidth = Math.max(2, String(subjects).length);
  const files: string[] = [];
  const groundTruth: GroundTruthRow[] = [];
  const participants: Record<string, string>[] = [];
  const total = subjects * visits;
  for (let index = 0; index < subjects; index++) {
    const subject = drawSubject(seed, index, labelWidth);
    const subjectId = `sub-${subject.label}`;
    participants.push({ participant_id: subjectId, sex: subject.sex, diagnosis: subject.diagnosis });
    const grid = storageGrid(subject.storage, fovMm);
    const scans = drawScans(seed, subject, visits, unitMm, nuisance, misregistration);
    const sessions: Record<string, string | number>[] = [];
    for (const scan of scans) {
      const sessionId = `ses-${scan.sessionLabel}`;
      const folder = `${subjectId}/${sessionId}/anat`;
      const path = `${folder}/${subjectId}_${sessionId}_T1w.nii${subject.storage.compressed ? '.gz' : ''}`;
      await mkdir(join(out, folder), { recursive: true });
      const noiseRng = createRng(seed).fork(`subject-${index}`).fork(`scan-${scan.visit}`).fork('noise');
      const rendered = renderScan(subject.anatomy, scan, grid, unitMm, noiseRng);
      await writeNifti(
        join(out, path),
        { data: rendered.data, shape: [...grid.dims], affine: grid.affine },
        { datatype: subject.storage.datatype, description: `lssl phantom seed ${seed}` },
      );
      files.push(path);
      sessions.push({ session_id: sessionId, age: scan.age });
      groundTruth.push(groundTruthRow(scan, path, rendered.volumes, grid, unitMm));
      options.onProgress?.(files.length, total);
    }
    await writeText(join(out, subjectId, `${subjectId}_sessions.tsv`), tsv(['session_id', 'age'], sessions));
  }
  await writeText(join(out, 'participants.tsv'), tsv(['participant_id', 'sex', 'diagnosis'], participants));
  await writeText(join(out, 'ground_truth.tsv'), tsv(GROUND_TRUTH_COLUMNS, groundTruth));
  const description = {
    Name: 'lssl phantom cohort',
    BIDSVersion: '1.9.0',
    DatasetType: 'raw',
    GeneratedBy: [
      {
        Name: GENERATOR_NAME,
        Description: `procedural T1w head phantoms (docs/phantom.md); seed ${seed}, ${subjects} subjects, ${visits} visits, shape ${shape}${nuisance === 1 ? '' : `, nuisance ×${nuisance}`}${misregistration === 1 ? '' : `, misregistration ×${misregistration}`}`,
      },
    ],
  };
  await writeText(join(out, 'dataset_description.json'), `${JSON.stringify(description, null, 2)}\n`);
  return {
    out,
    subjects,
    visits,
    seed,
    shape,
    scans: files.length,
    files,
    groundTruth,
    seconds: (performance.now() - started) / 1000,
  };
}
