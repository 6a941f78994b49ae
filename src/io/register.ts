/**
 * Registering one scan onto another with elastix (Klein et al., IEEE TMI 29(1), 2010) run
 * offline as WebAssembly (@itk-wasm/elastix): rigid, affine, or rigid then affine.
 *
 * The transform is estimated on copies of both images at a coarser working resolution
 * (2 mm by default: a rigid fit of two brains in a few seconds), in world coordinates, so
 * it holds for the full-resolution images too; the original moving image is then
 * resampled once, trilinearly, onto the fixed image's grid (resample-onto.ts). The result
 * has the fixed image's shape and affine, whatever either image's stored orientation,
 * datatype or voxel size.
 *
 * An elastix call is synchronous WebAssembly: it blocks its thread for its whole duration
 * (preprocessCohort runs registrations on worker threads with `jobs`). A failed call sets
 * `process.exitCode = 1` inside itk-wasm; it is put back here.
 */
import { resolve } from 'node:path';
import { inputError } from '../errors.js';
import { niftiToVolume, readNifti, writeNifti } from './nifti.js';
import { resampleToSpacing } from './resample.js';
import type { Affine, Volume } from './volume.js';
import { writeFileAtomic } from './atomic.js';
import {
  fixedToMovingRas,
  parameterMaps,
  TRANSFORM_KINDS,
  type MapOptions,
  type ParameterMap,
  type TransformKind,
} from './registration/elastix-maps.js';
import { volumeToItkImage } from './registration/itk-image.js';
import { resampleOnto } from './registration/resample-onto.js';
import { invertAffine } from './registration/world-matrix.js';

export { TRANSFORM_KINDS, type TransformKind } from './registration/elastix-maps.js';
export { resampleOnto, type Grid } from './registration/resample-onto.js';

export interface RegisterOptions extends MapOptions {
  /** 'rigid' (default: 6 parameters, for visits of one head), 'affine' (12), or rigid then affine */
  transform?: TransformKind;
  /** working voxel size in mm for estimating the transform (default 2); finer images are downsampled to it */
  spacing?: number;
}

/** The checked, complete registration settings (they enter the preprocessing cache's key). */
export interface RegisterSettings {
  readonly transform: TransformKind;
  readonly spacing: number;
  readonly resolutions: number;
  readonly iterations: number;
  readonly initialize: 'center-of-gravity' | 'identity';
  readonly seed: number;
}

export function canonicalRegisterOptions(options: RegisterOptions = {}): RegisterSettings {
  const transform = options.transform ?? 'rigid';
  if (!TRANSFORM_KINDS.includes(transform))
    throw inputError(`transform must be one of ${TRANSFORM_KINDS.join(', ')}, not ${JSON.stringify(transform)}`);
  const spacing = options.spacing ?? 2;
  if (!(Number.isFinite(spacing) && spacing > 0))
    throw inputError(`registration spacing must be positive mm, not ${spacing}`);
  const positiveInteger = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1) throw inputError(`${name} must be a positive integer, not ${v}`);
    return v;
  };
  const initialize = options.initialize ?? 'identity';
  if (initialize !== 'identity' && initialize !== 'center-of-gravity')
    throw inputError(`initialize must be identity or center-of-gravity, not ${JSON.stringify(initialize)}`);
  return Object.freeze({
    transform,
    spacing,
    resolutions: positiveInteger(options.resolutions ?? 3, 'resolutions'),
    iterations: positiveInteger(options.iterations ?? 256, 'iterations'),
    initialize,
    seed: positiveInteger(options.seed ?? 121212, 'seed'),
  });
}

export interface TransformEstimate {
  /** 4×4, fixed-image world (RAS mm) → moving-image world: where each fixed point finds its match */
  fixedToMoving: Affine;
  /** elastix's transform parameter object (one map per stage) */
  parameterObject: ParameterMap[];
  seconds: number;
  /** with `elastixResult`: elastix's own resampling of the working moving copy on the working fixed grid */
  elastixResult?: Volume;
}

export interface Registration extends TransformEstimate {
  /** the moving image resampled on the fixed image's grid (shape, spacing, affine of `fixed`) */
  volume: Volume;
}

/** A copy at the working resolution (no finer than `spacing` mm), NaN and ±∞ set to 0 for elastix. */
function workingCopy(volume: Volume, spacing: number): Volume {
  const coarse = volume.spacing.map((s) => Math.max(s, spacing));
  const v = coarse.every((s, a) => s === volume.spacing[a]) ? volume : resampleToSpacing(volume, coarse);
  const data = Float32Array.from(v.data, (x) => (Number.isFinite(x) ? x : 0));
  return { ...v, data };
}

/** elastix finds "the identity" between two constant images without complaint: refuse them. */
function checkNotConstant(volume: Volume, name: string): void {
  const first = volume.data[0];
  if (volume.data.every((x) => x === first || !Number.isFinite(x)))
    throw inputError(`cannot register a constant image: every voxel of the ${name} image is ${first}`);
}

/** itk-wasm reports a C++ exception as a bare number; say what it usually means instead. */
function elastixFailure(error: unknown): string {
  const text = String((error as Error)?.message ?? error).trim();
  if (/^\d*$/.test(text))
    return 'elastix stopped with an internal error; an image may be too small for its pyramid (a few voxels per axis at the working spacing) or empty';
  return text.split('\n').slice(-3).join(' ');
}

/** Finds the transform that maps `fixed`'s world onto `moving`'s (see RegisterOptions). */
export async function estimateTransform(
  fixed: Volume,
  moving: Volume,
  options: RegisterOptions | RegisterSettings = {},
  check: { elastixResult?: boolean } = {},
): Promise<TransformEstimate> {
  const settings = canonicalRegisterOptions(options);
  const started = performance.now();
  const { elastixNode } = await import('@itk-wasm/elastix');
  const maps = parameterMaps(settings.transform, settings);
  if (check.elastixResult) maps[maps.length - 1].WriteResultImage = ['true'];
  checkNotConstant(fixed, 'fixed');
  checkNotConstant(moving, 'moving');
  const fixedCopy = workingCopy(fixed, settings.spacing);
  const exitCode = process.exitCode;
  let result: Awaited<ReturnType<typeof elastixNode>>;
  try {
    result = await elastixNode(maps, {
      fixed: volumeToItkImage(fixedCopy, 'fixed'),
      moving: volumeToItkImage(workingCopy(moving, settings.spacing), 'moving'),
    });
  } catch (error) {
    throw inputError(`elastix could not register these images: ${elastixFailure(error)}`);
  } finally {
    process.exitCode = exitCode;
  }
  const parameterObject = result.transformParameterObject as unknown as ParameterMap[];
  return {
    fixedToMoving: fixedToMovingRas(parameterObject),
    parameterObject,
    seconds: (performance.now() - started) / 1000,
    ...(check.elastixResult &&
      result.result?.data && {
        elastixResult: { ...fixedCopy, data: Float32Array.from(result.result.data as Float32Array) },
      }),
  };
}

/** A volume at the working resolution of `settings`, as elastix sees it (for checks and tests). */
export function registrationCopy(volume: Volume, options: RegisterOptions | RegisterSettings = {}): Volume {
  return workingCopy(volume, canonicalRegisterOptions(options).spacing);
}

/** Registers `moving` onto `fixed` and resamples it on `fixed`'s grid. */
export async function registerVolumes(
  fixed: Volume,
  moving: Volume,
  options: RegisterOptions | RegisterSettings = {},
): Promise<Registration> {
  const started = performance.now();
  const estimate = await estimateTransform(fixed, moving, options);
  const volume = resampleOnto(moving, { shape: fixed.shape, affine: fixed.affine }, estimate.fixedToMoving);
  return { ...estimate, volume, seconds: (performance.now() - started) / 1000 };
}

export interface RegisterFilesResult extends Registration {
  out: string;
}

/**
 * `lssl register`: reads FIXED and MOVING (first frame of each), registers, writes OUT
 * (float32, FIXED's grid and affine) and, with `saveTransform`, a JSON file holding the
 * fixed→moving and moving→fixed 4×4 matrices (RAS mm) and elastix's parameter maps.
 */
export async function registerFiles(
  fixedPath: string,
  movingPath: string,
  outPath: string,
  options: RegisterOptions & { saveTransform?: string } = {},
): Promise<RegisterFilesResult> {
  if (!/\.nii(\.gz)?$/i.test(outPath)) throw inputError('the output must end in .nii or .nii.gz', outPath);
  const settings = canonicalRegisterOptions(options);
  const fixed = niftiToVolume(await readNifti(fixedPath), 0);
  const moving = niftiToVolume(await readNifti(movingPath), 0);
  const registration = await registerVolumes(fixed, moving, settings);
  const out = resolve(outPath);
  await writeNifti(out, { data: registration.volume.data, shape: [...fixed.shape], affine: fixed.affine });
  if (options.saveTransform !== undefined) {
    const record = {
      fixed: resolve(fixedPath),
      moving: resolve(movingPath),
      settings,
      fixedToMovingRas: registration.fixedToMoving,
      movingToFixedRas: invertAffine(registration.fixedToMoving),
      elastix: registration.parameterObject,
    };
    await writeFileAtomic(resolve(options.saveTransform), `${JSON.stringify(record, null, 1)}\n`);
  }
  return { ...registration, out };
}
