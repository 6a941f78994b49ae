/**
 * `simulateTemplateCohort`: the phantom's longitudinal model (subject.ts: diagnosis, ages,
 * atrophy, per-visit nuisances; storage.ts: how scans are stored) rendered on a real
 * skull-stripped T1 instead of the procedural head (docs/phantom.md, "Template phantom").
 * Writes the same BIDS layout, participants.tsv, sessions.tsv and ground_truth.tsv as
 * `simulateCohort`, with regional volumes of the rendered images in the ground truth.
 *
 * Deterministic for a seed; subject i (and its visit v) is the same whatever the number of
 * subjects (and visits), as long as the labels keep their width (fewer than 100 subjects).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { inputError } from '../errors.js';
import { writeNifti } from '../io/nifti.js';
import { createRng } from '../rng.js';
import type { Vec3 } from './anatomy.js';
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
import type { GroundTruthRow } from './simulate.js';
import { NOMINAL_VOXEL_MM, storageGrid, type Storage } from './storage.js';
import { drawScans, drawSubject, type SimScan } from './subject.js';
import { buildTemplateModel, type TemplateModel } from './template-model.js';
import { drawSubjectShape, renderTemplateScan, type SubjectShape, type TemplateScan } from './template-render.js';

export interface TemplateSimulateOptions {
  /** skull-stripped T1 (any orientation and datatype lssl reads), 3D */
  template: string;
  /** AAL labels on the template's grid (hippocampus, amygdala, cortex); without it they come from the T1 */
  atlas?: string;
  /** output folder (created; a previous phantom there is replaced, anything else is refused) */
  out: string;
  /** number of subjects (default 24) */
  subjects?: number;
  /** visits per subject (default 3) */
  visits?: number;
  seed?: number;
  /** nominal voxel size in mm (default 1.5); each subject's stored voxel size varies about it as in storage.ts */
  voxelMm?: number;
  /** scale of the per-visit nuisances (default 1; 0 = noise-free, perfectly registered) */
  nuisance?: number;
  /** scale of the per-visit misregistration alone, on top of `nuisance` (default 1; 3.3 ≈ ± 1° repositioning) */
  misregistration?: number;
  /** called after each written scan */
  onProgress?: (done: number, total: number) => void;
}

export interface TemplateSimulationReport {
  out: string;
  subjects: number;
  visits: number;
  seed: number;
  voxelMm: number;
  /** the cube's side every scan covers, mm */
  fovMm: number;
  scans: number;
  files: string[];
  groundTruth: GroundTruthRow[];
  /** how hippocampus, amygdala and cortex were found ('atlas' or 'intensity') */
  regions: string;
  /** seconds to read the template and build its regions and fields */
  setupSeconds: number;
  /** seconds per scan (render and write) after the setup */
  secondsPerScan: number;
  seconds: number;
}

export const TEMPLATE_GROUND_TRUTH_COLUMNS = [
  ...SUBJECT_COLUMNS,
  'ventricles_ml',
  'hippocampus_ml',
  'amygdala_ml',
  'cortex_ml',
  'brain_ml',
  'ventricle_field_mm',
  'medial_temporal_field_mm',
  'cortex_field_mm',
  'head_scale_x',
  'head_scale_y',
  'head_scale_z',
  'warp_rms_mm',
  ...ACQUISITION_COLUMNS,
];

/** Storage with its voxel sizes scaled from the procedural phantom's nominal 1.25 mm to `voxelMm`. */
export function scaledStorage(storage: Storage, voxelMm: number): Storage {
  const factor = voxelMm / NOMINAL_VOXEL_MM;
  return { ...storage, voxelMm: storage.voxelMm.map((v) => Math.round(v * factor * 1000) / 1000) as Vec3 };
}

function groundTruthRow(
  scan: SimScan,
  path: string,
  rendered: TemplateScan,
  shape: SubjectShape,
  storage: Storage,
  dims: Vec3,
): GroundTruthRow {
  const v = rendered.volumes;
  return {
    ...subjectColumns(scan, path),
    ventricles_ml: significant(v.ventricles),
    hippocampus_ml: significant(v.hippocampus),
    amygdala_ml: significant(v.amygdala),
    cortex_ml: significant(v.cortex),
    brain_ml: significant(v.brain),
    ventricle_field_mm: fixed(rendered.amplitudes.ventricles, 4),
    medial_temporal_field_mm: fixed(rendered.amplitudes.medialTemporal, 4),
    cortex_field_mm: fixed(rendered.amplitudes.cortex, 4),
    head_scale_x: fixed(shape.scale[0], 4),
    head_scale_y: fixed(shape.scale[1], 4),
    head_scale_z: fixed(shape.scale[2], 4),
    warp_rms_mm: fixed(shape.warpRmsMm, 3),
    ...acquisitionColumns(scan, storage, dims),
  };
}

let lastModel: { key: string; model: Promise<TemplateModel> } | undefined;

/**
 * The model of a template and atlas. The last one built is kept (it takes seconds to build
 * and a few hundred MB to hold), so cohorts written one after another on the same template
 * share it; asking for another template replaces it.
 */
export function templateModel(template: string, atlas?: string): Promise<TemplateModel> {
  const key = `${resolve(template)}\n${atlas === undefined ? '' : resolve(atlas)}`;
  if (lastModel?.key !== key) {
    const model = buildTemplateModel(template, atlas);
    const entry = { key, model };
    lastModel = entry;
    model.catch(() => {
      if (lastModel === entry) lastModel = undefined;
    });
  }
  return lastModel!.model;
}

/** Writes a template-phantom cohort (see the module comment) and returns what it wrote. */
export async function simulateTemplateCohort(options: TemplateSimulateOptions): Promise<TemplateSimulationReport> {
  const started = performance.now();
  const { subjects = 24, visits = 3, seed = 0, voxelMm = 1.5 } = options;
  checkCount('subjects', subjects, 1, 9999);
  checkCount('visits', visits, 1, 99);
  if (!Number.isInteger(seed)) throw inputError(`seed must be an integer, not ${seed}`);
  if (!Number.isFinite(voxelMm) || voxelMm < 0.5 || voxelMm > 8)
    throw inputError(`voxel size must be a number of mm from 0.5 to 8, not ${voxelMm}`);
  const nuisance = options.nuisance ?? 1;
  if (!Number.isFinite(nuisance) || nuisance < 0 || nuisance > 10)
    throw inputError(`nuisance must be a number in [0, 10], not ${nuisance}`);
  const misregistration = options.misregistration ?? 1;
  if (!Number.isFinite(misregistration) || misregistration < 0 || misregistration > 100)
    throw inputError(`misregistration must be a number in [0, 100], not ${misregistration}`);
  if (typeof options.template !== 'string' || options.template === '')
    throw inputError('template must name a skull-stripped T1 NIfTI file');
  if (typeof options.out !== 'string' || options.out === '') throw inputError('out must name an output folder');
  const model = await templateModel(options.template, options.atlas);
  const out = resolve(options.out);
  await prepareOutput(out);
  const setupSeconds = (performance.now() - started) / 1000;

  const unitMm = model.fovMm / 2;
  const labelWidth = Math.max(2, String(subjects).length);
  const files: string[] = [];
  const groundTruth: GroundTruthRow[] = [];
  const participants: Record<string, string>[] = [];
  const total = subjects * visits;
  const field = new Float32Array(3 * model.t1.data.length);
  for (let index = 0; index < subjects; index++) {
    const subject = drawSubject(seed, index, labelWidth);
    const subjectId = `sub-${subject.label}`;
    participants.push({ participant_id: subjectId, sex: subject.sex, diagnosis: subject.diagnosis });
    const storage = scaledStorage(subject.storage, voxelMm);
    const grid = storageGrid(storage, model.fovMm);
    const shape = drawSubjectShape(model, seed, subject);
    const sessions: Record<string, string | number>[] = [];
    for (const scan of drawScans(seed, subject, visits, unitMm, nuisance, misregistration)) {
      const sessionId = `ses-${scan.sessionLabel}`;
      const folder = `${subjectId}/${sessionId}/anat`;
      const path = `${folder}/${subjectId}_${sessionId}_T1w.nii${storage.compressed ? '.gz' : ''}`;
      await mkdir(join(out, folder), { recursive: true });
      const noiseRng = createRng(seed).fork(`subject-${index}`).fork(`scan-${scan.visit}`).fork('noise');
      const rendered = renderTemplateScan(model, shape, scan, grid, unitMm, { noiseRng, field });
      await writeNifti(
        join(out, path),
        { data: rendered.data, shape: [...grid.dims], affine: grid.affine },
        { datatype: storage.datatype, description: `lssl template phantom seed ${seed}` },
      );
      files.push(path);
      sessions.push({ session_id: sessionId, age: scan.age });
      groundTruth.push(groundTruthRow(scan, path, rendered, shape, storage, grid.dims));
      options.onProgress?.(files.length, total);
    }
    await writeText(join(out, subjectId, `${subjectId}_sessions.tsv`), tsv(['session_id', 'age'], sessions));
  }
  await writeText(join(out, 'participants.tsv'), tsv(['participant_id', 'sex', 'diagnosis'], participants));
  await writeText(join(out, 'ground_truth.tsv'), tsv(TEMPLATE_GROUND_TRUTH_COLUMNS, groundTruth));
  const regions =
    model.regions.source === 'atlas'
      ? `atlas ${options.atlas} (AAL ${model.regions.atlasScheme?.kind})`
      : 'intensity (no atlas)';
  const description = {
    Name: 'lssl template phantom cohort',
    BIDSVersion: '1.9.0',
    DatasetType: 'raw',
    GeneratedBy: [
      {
        Name: GENERATOR_NAME,
        Description:
          `template phantom on ${options.template} (docs/phantom.md); regions from ${regions}; seed ${seed}, ${subjects} subjects, ` +
          `${visits} visits, voxel ${voxelMm} mm, field of view ${model.fovMm} mm${nuisance === 1 ? '' : `, nuisance ×${nuisance}`}${misregistration === 1 ? '' : `, misregistration ×${misregistration}`}`,
      },
    ],
  };
  await writeText(join(out, 'dataset_description.json'), `${JSON.stringify(description, null, 2)}\n`);
  const seconds = (performance.now() - started) / 1000;
  return {
    out,
    subjects,
    visits,
    seed,
    voxelMm,
    fovMm: model.fovMm,
    scans: files.length,
    files,
    groundTruth,
    regions,
    setupSeconds,
    secondsPerScan: (seconds - setupSeconds) / Math.max(1, files.length),
    seconds,
  };
}
