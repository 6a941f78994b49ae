/**
 * Registration as a step of the preprocessing cache (`lssl preprocess --register`):
 *
 * - `subject`: every visit rigidly onto its subject's **first** visit (the earliest age); the
 *   first visit goes through the chain unchanged. The first visit rather than a subject mean:
 *   each entry then depends on two files only (the scan and its reference), so adding a later
 *   visit changes no earlier entry, every scan is an independent task for `--jobs` and
 *   `--shard`, and nothing iterates. The price is the interpolation bias of registering to
 *   one time point (Yushkevich et al., NeuroImage 50(2), 2010; Reuter & Fischl, NeuroImage
 *   57(1), 2011, build an unbiased within-subject template against it): the first visit's
 *   samples fall in the regular pattern of its own grid, a moved follow-up's anywhere
 *   between voxels, and trilinear interpolation averages their noise differently. Every
 *   scan is therefore blurred up to the output voxel first (registration/antialias.ts).
 * - `template`: every scan affinely (rigid then affine, from the centres of gravity) onto a
 *   template image; every scan is then interpolated alike.
 *
 * Each scan is blurred up to the output voxel and resampled once, straight onto the grid the
 * chain gives the reference (transforms.ts), then cropped and normalised as usual. An entry's settings, hence
 * its cache key, hold the registration settings and the **content hash** of the reference
 * (first visit or template): changing either rebuilds the entry, renaming does not.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inputError } from '../errors.js';
import type { Cohort } from './cohort.js';
import { rememberContentHash, rememberedContentHash, sha256 } from './cache-store.js';
import { sourceSignature, type ScanPreprocessor } from './cache-pipeline.js';
import { readNifti } from './nifti.js';
import { checkedVolume } from './image-checks.js';
import {
  canonicalRegisterOptions,
  estimateTransform,
  resampleOnto,
  type RegisterOptions,
  type RegisterSettings,
} from './register.js';
import { antialias, antialiasSigmas } from './registration/antialias.js';
import { ioOrientation } from './orientation.js';
import type { Volume } from './volume.js';
import { canonicalPreprocessOptions, preprocess, resampleCanonical, type PreprocessOptions } from './transforms.js';

export type RegisterTarget = 'subject' | 'template';

/** What `CacheOptions.register` holds. */
export interface CacheRegistration extends RegisterOptions {
  to: RegisterTarget;
  /** with `to: 'template'`: the template image (NIfTI) */
  template?: string;
  /**
   * with `to: 'subject'`: each scan's reference (its subject's first visit), by path;
   * `preprocessCohort` fills it from the cohort, readers get it from `withSubjectReferences`.
   */
  references?: Readonly<Record<string, string>>;
}

/** The checked registration: target, settings (rigid for subject, rigid+affine for template). */
export interface RegistrationPlan {
  to: RegisterTarget;
  settings: RegisterSettings;
  template?: string;
  references?: Readonly<Record<string, string>>;
}

export function planRegistration(register: CacheRegistration): RegistrationPlan {
  if (register.to !== 'subject' && register.to !== 'template')
    throw inputError(`register must be subject or template, not ${JSON.stringify(register.to)}`);
  if (register.to === 'template') {
    if (!register.template) throw inputError('register to a template needs the template image (--template FILE)');
    const settings = canonicalRegisterOptions({
      initialize: 'center-of-gravity',
      ...register,
      transform: register.transform ?? 'rigid+affine',
    });
    return { to: 'template', settings, template: resolve(register.template) };
  }
  if (register.template !== undefined) throw inputError('--template goes with --register template, not subject');
  return { to: 'subject', settings: canonicalRegisterOptions(register), references: register.references };
}

/** Each scan's reference for `to: 'subject'`: its subject's earliest visit (resolved paths). */
export function subjectReferences(cohort: Cohort): Record<string, string> {
  const references: Record<string, string> = {};
  for (const subject of cohort.subjects) {
    const first = resolve(subject.scans[0].path);
    for (const scan of subject.scans) references[resolve(scan.path)] = first;
  }
  return references;
}

/** `register` with the references of `cohort` filled in when it registers to the subject. */
export function withSubjectReferences(cohort: Cohort, register: CacheRegistration): CacheRegistration {
  return register.to === 'subject' && register.references === undefined
    ? { ...register, references: subjectReferences(cohort) }
    : register;
}

/** The image a scan is registered onto, or an error naming the scan when it is unknown. */
export function referenceOf(plan: RegistrationPlan, path: string): string {
  if (plan.to === 'template') return plan.template!;
  const reference = plan.references?.[resolve(path)];
  if (reference === undefined)
    throw inputError("registration to the subject needs this scan's cohort (its first visit is unknown)", path);
  return reference;
}

/** A file's content hash, remembered in the cache by (size, mtime, inode) like every source's. */
export function contentHashOf(cacheDir: string, path: string): string {
  const { files, signature } = sourceSignature(path);
  const known = rememberedContentHash(cacheDir, path, signature);
  if (known !== undefined) return known;
  const hash = sha256(...files.map((f) => readFileSync(f)));
  try {
    rememberContentHash(cacheDir, path, signature, hash);
  } catch {
    // a read-only cache still serves; the file is hashed again next time
  }
  return hash;
}

/**
 * The chain for one scan registered onto `reference`: read both, estimate the transform at
 * the working resolution, resample the scan straight onto the grid the chain gives the
 * reference (RAS+, the shape or spacing), then crop and normalise as usual. A scan whose
 * content is the reference's is its own reference and is only preprocessed.
 *
 * Resampling once, onto the output grid, treats every visit alike: the reference too is
 * interpolated once, by the chain, onto that same grid. Resampling follow-ups first onto the
 * reference's full-resolution grid and then down again would smooth them twice and the
 * reference once: a difference between visits that is not anatomy.
 */
export function registeredPreprocessor(
  preprocessOptions: PreprocessOptions,
  plan: RegistrationPlan,
  reference: string,
  referenceHash: string,
  scanHash: string,
): ScanPreprocessor {
  const chain = canonicalPreprocessOptions(preprocessOptions);
  const settings = {
    ...chain,
    register: { to: plan.to, ...plan.settings, antialias: 'output-fwhm', reference: referenceHash },
  };
  return {
    settings,
    run: async (path, bytes, warn, chosen) => {
      // the checks of the standard chain (3D, voxel sizes, finite and non-constant voxels) for both images
      const checked = checkedVolume(await readNifti(bytes ?? path, { name: path }), path, chosen);
      for (const warning of checked.warnings) warn?.(warning);
      const moving = checked.volume;
      const isReference = scanHash === referenceHash;
      const fixed = isReference ? moving : checkedVolume(await readNifti(reference), reference, chosen).volume;
      // the grid the chain gives the reference: every visit is interpolated once onto it
      const grid = resampleCanonical(
        fixed,
        chain.spacing === null ? { shape: chain.shape } : { spacing: chain.spacing },
      );
      const smoothed = antialiasFor(moving, grid.spacing);
      if (isReference) return preprocess(smoothed, chain);
      const { fixedToMoving } = await estimateTransform(fixed, moving, plan.settings);
      return preprocess(resampleOnto(smoothed, grid, fixedToMoving), chain);
    },
  };
}

/** `volume` blurred up to the output voxel size `gridSpacing` (RAS+ axes) along each of its own axes. */
function antialiasFor(volume: Volume, gridSpacing: readonly number[]): Volume {
  const target = ioOrientation(volume.affine).map(([ras]) => gridSpacing[ras]);
  return antialias(volume, antialiasSigmas(volume.spacing, target));
}

/** The registered chain of the scan at `path`, its reference's and its own content hashes read from the cache. */
export function registeredPreprocessorFor(
  cacheDir: string,
  preprocessOptions: PreprocessOptions,
  plan: RegistrationPlan,
  path: string,
): ScanPreprocessor {
  const reference = referenceOf(plan, path);
  return registeredPreprocessor(
    preprocessOptions,
    plan,
    reference,
    contentHashOf(cacheDir, reference),
    contentHashOf(cacheDir, path),
  );
}
