/**
 * The hidden parameters of one phantom subject and of each of its scans: diagnosis, sex,
 * ages, the atrophy trajectory, pose, gain, bias field and noise. Subject i is drawn from
 * `createRng(seed).fork('subject-i')` and visit v from that generator's `fork('scan-v')`,
 * so a subject does not depend on how many subjects or visits a cohort has.
 *
 * Atrophy model (see docs/phantom.md):
 *   A(age) = A₀ + rate · (age − baselineAge)
 *   A₀     = 0.01 · (baselineAge − 55) · e^{N(0, 0.3²)}  + 0.01 · (m − 1) · 2
 *   rate   = 0.01 · m · e^{N(0, 0.25²)} per year,   m = 1 (CN), 2 (MCI), 3.5 (AD)
 * i.e. everyone has aged normally up to baseline (plus two years of disease-specific excess
 * before it), and after baseline the diagnosis multiplies the yearly rate.
 */
import { createRng, type Rng } from '../rng.js';
import { clippedNormal, drawAnatomy, type Sex, type SubjectAnatomy, type Vec3 } from './anatomy.js';
import { BIAS_TERMS, type Pose, type ScanState } from './render.js';
import { chooseStorage, type Storage } from './storage.js';

export type Diagnosis = 'CN' | 'MCI' | 'AD';
export const DIAGNOSES: readonly Diagnosis[] = ['CN', 'MCI', 'AD'];

/** How much faster than normal ageing each diagnosis atrophies. */
export const RATE_MULTIPLIER: Record<Diagnosis, number> = { CN: 1, MCI: 2, AD: 3.5 };
/** Atrophy a cognitively normal subject gains per year. */
export const NORMAL_ATROPHY_PER_YEAR = 0.01;
/** Years of disease-specific excess atrophy already present at baseline. */
export const YEARS_OF_DISEASE_BEFORE_BASELINE = 2;
export const BASELINE_AGE_RANGE: [number, number] = [55, 85];
export const VISIT_GAP_RANGE: [number, number] = [0.5, 3];

export interface SimSubject {
  index: number;
  /** BIDS label without the `sub-` prefix, e.g. '07' */
  label: string;
  sex: Sex;
  diagnosis: Diagnosis;
  baselineAge: number;
  /** diagnosis multiplier × individual variation */
  rateMultiplier: number;
  /** atrophy per year after baseline */
  atrophyRate: number;
  baselineAtrophy: number;
  anatomy: SubjectAnatomy;
  storage: Storage;
  /** the subject's usual head rotation in the scanner, degrees (each visit adds a little jitter) */
  rotationDeg: Vec3;
  /** the subject's usual head translation, in units of U (half the field of view) */
  translationU: Vec3;
  /** the subject's usual intensity gain (each visit varies a few percent) */
  gain: number;
  /** the subject's bias-field coefficients (each visit varies a little about them) */
  bias: number[];
}

export interface SimScan extends ScanState {
  subject: SimSubject;
  /** 0-based visit number */
  visit: number;
  /** BIDS label without `ses-`, e.g. '02' */
  sessionLabel: string;
  age: number;
}

/** Two-digit (or wider) zero-padded BIDS label of a 0-based index. */
export function bidsLabel(index: number, width = 2): string {
  return String(index + 1).padStart(width, '0');
}

/**
 * Diagnoses come in blocks of three subjects, each block a seeded permutation of CN, MCI,
 * AD: balanced within two of a cohort of any size, and subject i's label depends on i only.
 */
export function diagnosisOf(seed: number, index: number): Diagnosis {
  const block = Math.floor(index / 3);
  return createRng(seed).fork(`diagnosis-block-${block}`).shuffle(DIAGNOSES)[index % 3];
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Subject `index` (0-based) of the cohort with this seed; `labelWidth` pads the label. */
export function drawSubject(seed: number, index: number, labelWidth = 2): SimSubject {
  const root = createRng(seed);
  const rng = root.fork(`subject-${index}`);
  const diagnosis = diagnosisOf(seed, index);
  const sex: Sex = rng.next() < 0.5 ? 'F' : 'M';
  const baselineAge = round(rng.uniform(...BASELINE_AGE_RANGE), 2);
  const multiplier = RATE_MULTIPLIER[diagnosis];
  const rateMultiplier = multiplier * Math.exp(clippedNormal(rng, 0, 0.25));
  const priorAgeing =
    NORMAL_ATROPHY_PER_YEAR * (baselineAge - BASELINE_AGE_RANGE[0]) * Math.exp(clippedNormal(rng, 0, 0.3));
  const baselineAtrophy = priorAgeing + NORMAL_ATROPHY_PER_YEAR * (multiplier - 1) * YEARS_OF_DISEASE_BEFORE_BASELINE;
  const rotationDeg: Vec3 = [clippedNormal(rng, 0, 3), clippedNormal(rng, 0, 3), clippedNormal(rng, 0, 3)];
  const translationU: Vec3 = [clippedNormal(rng, 0, 0.02), clippedNormal(rng, 0, 0.02), clippedNormal(rng, 0, 0.02)];
  const gain = 1000 * Math.exp(rng.uniform(-0.4, 0.4));
  const bias = drawBias(rng.fork('bias'), 1);
  const anatomy = drawAnatomy(rng.fork('anatomy'), sex);
  const storage = chooseStorage(index, root.fork('storage').int(4), rng.fork('storage'));
  return {
    index,
    label: bidsLabel(index, labelWidth),
    sex,
    diagnosis,
    baselineAge,
    rateMultiplier,
    atrophyRate: NORMAL_ATROPHY_PER_YEAR * rateMultiplier,
    baselineAtrophy,
    anatomy,
    storage,
    rotationDeg,
    translationU,
    gain,
    bias,
  };
}

/** Ages of the first `visits` scans: baseline, then gaps of 0.5–3 years (rounded to 0.01). */
export function visitAges(seed: number, subject: SimSubject, visits: number): number[] {
  const rng = createRng(seed).fork(`subject-${subject.index}`).fork('visit-gaps');
  const ages = [subject.baselineAge];
  for (let v = 1; v < visits; v++) ages.push(round(ages[v - 1] + rng.uniform(...VISIT_GAP_RANGE), 2));
  return ages;
}

/**
 * The scan states of a subject's visits at a field of view of 2·unitMm. `nuisance` scales
 * what differs between visits besides anatomy (misregistration, gain jitter, the per-visit
 * bias field, noise): 1 is the default phantom, 0 a noise-free, perfectly registered one.
 * `misregistration` scales the per-visit pose alone, on top (e.g. 3.3: repositioning of
 * ± 1°, as in unregistered scans). The same draws are made at every scale, so nothing else changes.
 */
export function drawScans(
  seed: number,
  subject: SimSubject,
  visits: number,
  unitMm: number,
  nuisance = 1,
  misregistration = 1,
): SimScan[] {
  const subjectRng = createRng(seed).fork(`subject-${subject.index}`);
  return visitAges(seed, subject, visits).map((age, visit) => {
    const rng = subjectRng.fork(`scan-${visit}`);
    return {
      subject,
      visit,
      sessionLabel: bidsLabel(visit),
      age,
      atrophy: subject.baselineAtrophy + subject.atrophyRate * (age - subject.baselineAge),
      pose: scanPose(subject, rng, unitMm, nuisance * misregistration),
      gain: subject.gain * Math.exp(nuisance * clippedNormal(rng, 0, 0.03)),
      bias: drawBias(rng, VISIT_BIAS_JITTER).map((b, k) => subject.bias[k] + nuisance * b),
      noiseSd: nuisance * rng.uniform(0.02, 0.05),
    };
  });
}

/**
 * The phantom stands for scans after the usual affine registration and bias correction
 * (the LSSL paper's input), so what differs between visits besides anatomy is what those
 * steps leave: about 0.3° and 0.2% of U of misregistration, and a quarter of the bias field.
 */
const VISIT_ROTATION_DEG = 0.3;
const VISIT_TRANSLATION_U = 0.002;
const VISIT_BIAS_JITTER = 0.25;

/** The subject's pose with per-visit residual misregistration (× nuisance). */
function scanPose(subject: SimSubject, rng: Rng, unitMm: number, nuisance: number): Pose {
  return {
    rotationDeg: subject.rotationDeg.map((d) => d + nuisance * clippedNormal(rng, 0, VISIT_ROTATION_DEG)) as Vec3,
    translationMm: subject.translationU.map(
      (t) => (t + nuisance * clippedNormal(rng, 0, VISIT_TRANSLATION_U)) * unitMm,
    ) as Vec3,
  };
}

/** A smooth multiplicative bias field: log-quadratic, about ±10–20% over the head at scale 1. */
function drawBias(rng: Rng, scale: number): number[] {
  const sd = [0.08, 0.08, 0.08, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05];
  if (sd.length !== BIAS_TERMS) throw new Error('bias terms out of step with render.ts');
  return sd.map((s) => clippedNormal(rng, 0, s * scale));
}
