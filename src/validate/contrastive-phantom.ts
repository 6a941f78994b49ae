/**
 * Issue 7's comparison on the phantom, reproducibly: every contrastive method (and each with
 * `positives: 'visits'` on request) next to LSSL, AE and `none`, each pretrained on one
 * simulated cohort (24 subjects × 3 visits at 32³ by default), then probed with the report's
 * linear probes (5 subject folds): diagnosis balanced accuracy from z and from Δz, age r
 * from z (and the brain-age axis r(tau_proj, age) for LSSL). Beside them, lightly's collapse
 * monitor — the mean per-dimension std of L2-normalised vectors — for the projections of
 * the last epoch (history.csv `zstd`, training and validation) and for the embeddings the
 * probes see (every scan, eval mode); about 1/√D when spread out, 0 when collapsed.
 *
 *   npx lssl validate contrastive-phantom --out /tmp/cmp \
 *     [--epochs 15] [--subjects 24] [--seed 0] [--reuse] [--methods none,ae,lssl,simclr,simclr:visits,...]
 *
 * A method written `name:visits` trains with positives from two visits of one subject.
 * Writes OUT/runs/<label>/, OUT/report/ (summary.csv, report.html) and OUT/table.json, and
 * prints the table. The cohort and its cache are reused when OUT already holds them, and
 * with --reuse so are runs that already have embeddings.csv.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { pretrain } from '../eval/pretrain.js';
import { loadCohort } from '../io/cohort.js';
import { preprocessCohort } from '../io/cache.js';
import { writeFileAtomic } from '../io/atomic.js';
import { simulateCohort } from '../sim/simulate.js';
import { readEmbeddingsCsv } from '../eval/embeddings-csv.js';
import { writeReport } from '../eval/report/report.js';
import type { SummaryRow } from '../eval/report/tables.js';
import { METHOD_NAMES, type MethodName } from '../methods.js';
import * as tf from '@tensorflow/tfjs';
import type { Cohort } from '../io/cohort.js';
import { loadPreprocessed } from '../io/cache.js';
import { Autoencoder, volumesToTensor } from '../nn/autoencoder.js';
import { augmentViews, DEFAULT_VIEW_AUGMENTATION, type AugmentOptions } from '../train/augment.js';
import { LSSL_PAIR_AUGMENTATION } from '../train/augmenter.js';
import { contrastiveNetwork } from '../contrastive/view-method.js';
import { createRng } from '../rng.js';
import { symmetricEigen } from '../math/eigen.js';

export const DEFAULT_VARIANTS = [
  'none',
  'ae',
  'lssl',
  'simclr',
  'supcon',
  'simsiam',
  'byol',
  'directpred',
  'simclr:visits',
  'supcon:visits',
  'simsiam:visits',
  'byol:visits',
  'directpred:visits',
];

export interface ContrastivePhantomOptions {
  out: string;
  subjects?: number;
  visits?: number;
  shape?: number;
  epochs?: number;
  seed?: number;
  variants?: readonly string[];
  /** log the feature-space spread of views against subjects for three augmentations first */
  spread?: boolean;
  /** keep runs that already have embeddings.csv instead of training them again */
  reuse?: boolean;
  log?: (message: string) => void;
}

export interface VariantRow {
  label: string;
  method: string;
  positives: 'views' | 'visits' | '';
  diagnosis_bacc_z: number | null;
  diagnosis_bacc_z_sd: number | null;
  diagnosis_bacc_delta: number | null;
  diagnosis_bacc_delta_sd: number | null;
  age_r_z: number | null;
  age_r_z_sd: number | null;
  /** r(tau_proj, age) of the brain-age axis (LSSL only) */
  axis_r_tau_age: number | null;
  /** history.csv zstd of the last epoch (projections; contrastive methods only) */
  zstd_train_last: number | null;
  zstd_validation_last: number | null;
  /** collapse monitor on the embeddings of every scan (what the probes see) */
  embedding_zstd: number;
  /** 1/√D: the value of embeddings spread evenly over the sphere */
  embedding_zstd_uniform: number;
  /** effective rank exp(entropy of the singular values) of the centred embeddings (RankMe, Garrido et al. 2023); 1 = one direction */
  embedding_effective_rank: number;
  finite_history: boolean;
  /** training + embedding wall time (null for a reused run) */
  seconds: number | null;
}

/** lightly's monitor on plain rows: mean over dimensions of the std (n, not n − 1) of the unit rows. */
export function normalizedStdOfRows(rows: readonly ArrayLike<number>[]): number {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (n === 0 || d === 0) return NaN;
  const unit = rows.map((r) => {
    const norm = Math.sqrt(Array.from(r).reduce((s, v) => s + v * v, 0));
    return Array.from(r, (v) => (norm > 0 ? v / norm : 0));
  });
  let total = 0;
  for (let k = 0; k < d; k++) {
    const mean = unit.reduce((s, u) => s + u[k], 0) / n;
    total += Math.sqrt(unit.reduce((s, u) => s + (u[k] - mean) ** 2, 0) / n);
  }
  return total / d;
}

/** exp(−Σ p log p), p = singular values / their sum, of the centred rows (via the N×N Gram matrix). */
export function effectiveRank(rows: readonly ArrayLike<number>[]): number {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const mean = new Float64Array(d);
  for (const r of rows) for (let k = 0; k < d; k++) mean[k] += r[k] / n;
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (rows[a][k] - mean[k]) * (rows[b][k] - mean[k]);
      gram[a * n + b] = s;
      gram[b * n + a] = s;
    }
  }
  const singular = Array.from(symmetricEigen(gram, n).values, (v) => Math.sqrt(Math.max(v, 0)));
  const total = singular.reduce((s, v) => s + v, 0);
  if (!(total > 0)) return 0;
  return Math.exp(-singular.reduce((s, v) => (v > 0 ? s + (v / total) * Math.log(v / total) : s), 0));
}

/**
 * `METHOD[:visits][+option=value...]`, e.g. `byol:visits+momentumBase=0.99+train.weightDecay=0.04`:
 * the method, its positives, method options (`network.` prefix: encoder options such as
 * `network.norm=batch`), (`train.` prefix) engine options, and
 * `augment=torchio|default|lssl_pair` for the view augmentation; values are numbers,
 * true/false, or text.
 */
export function parseVariant(text: string): {
  method: MethodName;
  positives?: 'visits';
  options: Record<string, unknown>;
  train: Record<string, unknown>;
  augmentation?: string;
} {
  const [head, ...settings] = text.split('+');
  const [name, suffix] = head.split(':');
  if (!(METHOD_NAMES as readonly string[]).includes(name))
    throw new Error(`method must be one of ${METHOD_NAMES.join(', ')}, not ${JSON.stringify(name)}`);
  if (suffix !== undefined && suffix !== 'visits')
    throw new Error(`a variant is METHOD[:visits][+option=value], not ${JSON.stringify(text)}`);
  const options: Record<string, unknown> = {};
  const train: Record<string, unknown> = {};
  let augmentation: string | undefined;
  for (const setting of settings) {
    const [key, value] = setting.split('=');
    if (!key || value === undefined) throw new Error(`a method option is key=value, not ${JSON.stringify(setting)}`);
    const parsed =
      value === 'true' ? true : value === 'false' ? false : Number.isFinite(Number(value)) ? Number(value) : value;
    if (key.startsWith('train.')) train[key.slice('train.'.length)] = parsed;
    else if (key.startsWith('network.'))
      options.network = {
        ...(options.network as Record<string, unknown> | undefined),
        [key.slice('network.'.length)]: parsed,
      };
    else if (key === 'augment') augmentation = value;
    else options[key] = parsed;
  }
  return {
    method: name as MethodName,
    positives: suffix === 'visits' ? 'visits' : undefined,
    options,
    train,
    ...(augmentation === undefined ? {} : { augmentation }),
  };
}

/** TorchIO's transform defaults: the view augmentation before issue 7's measurements. */
export const TORCHIO_STRENGTH_AUGMENTATION: AugmentOptions = {
  spatial: {
    flip: { axes: [0], probability: 0.5 },
    affine: { degrees: 10, scales: 0.1, translation: 4 },
    crop: { fraction: [0.7, 1] },
  },
  intensity: {
    biasField: { coefficients: 0.5, order: 3, probability: 0.5 },
    gamma: { logGamma: 0.3, probability: 0.5 },
    blur: { std: [0, 1], probability: 0.5 },
    noise: { std: [0, 0.1], probability: 0.5 },
  },
};

export interface ViewSpread {
  /** mean ‖h(view 1) − h(view 2)‖ over the first visit of every subject */
  views: number;
  /** mean ‖h(x_i) − h(x_j)‖ over pairs of different subjects (first visits, unaugmented) */
  subjects: number;
  ratio: number;
}

/**
 * How far two augmented views of one scan lie apart in the feature space of the encoder at
 * initialisation (contrastive encoder, seed `seed`), against how far two subjects lie apart:
 * views much further apart than subjects leave a contrastive loss nothing subject-specific.
 */
export async function viewSpread(
  cohort: Cohort,
  cacheDir: string,
  shape: number,
  augment: AugmentOptions,
  seed = 0,
): Promise<ViewSpread> {
  const net = new Autoencoder(contrastiveNetwork({ inputShape: shape, seed }));
  const grid = [shape, shape, shape] as const;
  try {
    const scans = cohort.subjects.map((s) => s.scans[0]);
    const volumes = await Promise.all(
      scans.map(async (scan) => (await loadPreprocessed(scan, { cacheDir, shape: [...grid] })).data),
    );
    const rng = createRng(seed + 17);
    const views = volumes.map((v) => augmentViews(rng, v, grid, 2, augment).images);
    const embed = (list: Float32Array[]) => tf.tidy(() => net.encode(volumesToTensor(list, grid)).arraySync());
    const plain = embed(volumes);
    const first = embed(views.map((v) => v[0]));
    const second = embed(views.map((v) => v[1]));
    const distance = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0));
    const viewDistance = first.reduce((s, h, i) => s + distance(h, second[i]), 0) / first.length;
    let total = 0;
    let count = 0;
    for (let i = 0; i < plain.length; i++)
      for (let j = i + 1; j < plain.length; j++) {
        total += distance(plain[i], plain[j]);
        count++;
      }
    const subjectDistance = total / count;
    return { views: viewDistance, subjects: subjectDistance, ratio: viewDistance / subjectDistance };
  } finally {
    net.dispose();
  }
}

/** `+augment=torchio|default|lssl_pair` of a variant. */
export function namedAugmentation(name: string): AugmentOptions {
  const named: Record<string, AugmentOptions> = {
    torchio: TORCHIO_STRENGTH_AUGMENTATION,
    default: DEFAULT_VIEW_AUGMENTATION,
    lssl_pair: LSSL_PAIR_AUGMENTATION,
  };
  if (!(name in named))
    throw new Error(`augment must be one of ${Object.keys(named).join(', ')}, not ${JSON.stringify(name)}`);
  return named[name];
}

function historyZstd(runDir: string): { train: number | null; validation: number | null; finite: boolean } {
  const rows = Papa.parse<Record<string, string>>(readFileSync(join(runDir, 'history.csv'), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  }).data;
  const finite = rows.every((r) => Number.isFinite(Number(r.loss)));
  const last = (split: string) => {
    const found = rows.filter((r) => r.split === split && r.zstd !== undefined && r.zstd !== '');
    return found.length > 0 ? Number(found[found.length - 1].zstd) : null;
  };
  return { train: last('train'), validation: last('validation'), finite };
}

function metric(summary: readonly SummaryRow[], label: string, target: string, features: string, name: string) {
  const m = summary.find((r) => r.run === label && r.target === target && r.features === features)?.metrics[name];
  return { mean: m?.mean ?? null, sd: m?.sd ?? null };
}

export async function contrastivePhantom(options: ContrastivePhantomOptions): Promise<VariantRow[]> {
  const subjects = options.subjects ?? 24;
  const visits = options.visits ?? 3;
  const shape = options.shape ?? 32;
  const epochs = options.epochs ?? 15;
  const seed = options.seed ?? 0;
  const variants = (options.variants ?? DEFAULT_VARIANTS).map((v) => ({
    label: v.replace(':', '-').replace(/[+=]/g, '_'),
    ...parseVariant(v),
  }));
  const log = options.log ?? (() => undefined);
  const cohortDir = join(options.out, 'cohort');
  const cacheDir = join(options.out, 'cache');
  await mkdir(options.out, { recursive: true });
  if (!existsSync(join(cohortDir, 'participants.tsv'))) {
    log(`simulating ${subjects} subjects × ${visits} visits`);
    await simulateCohort({ out: cohortDir, subjects, visits, seed });
  }
  const cohort = await loadCohort(cohortDir);
  await preprocessCohort(cohort, { cacheDir, shape: [shape, shape, shape] });

  if (options.spread) {
    for (const [name, augment] of Object.entries({
      torchio: TORCHIO_STRENGTH_AUGMENTATION,
      default: DEFAULT_VIEW_AUGMENTATION,
      lssl_pair: LSSL_PAIR_AUGMENTATION,
    })) {
      const spread = await viewSpread(cohort, cacheDir, shape, augment, seed);
      log(
        `view spread ${name}: views ${spread.views.toPrecision(3)}, subjects ${spread.subjects.toPrecision(3)}, ratio ${spread.ratio.toPrecision(3)}`,
      );
    }
  }
  const seconds: Record<string, number> = {};
  const runs: string[] = [];
  for (const v of variants) {
    const runDir = join(options.out, 'runs', v.label);
    runs.push(runDir);
    if (options.reuse && existsSync(join(runDir, 'embeddings.csv'))) {
      log(`reusing ${runDir}`);
      continue;
    }
    log(`pretraining ${v.label}`);
    const start = performance.now();
    await pretrain(v.method, cohort, {
      shape,
      epochs,
      seed,
      cacheDir,
      runDir,
      methodOptions: { ...v.options, ...(v.positives ? { positives: v.positives } : {}) },
      trainOptions: v.train,
      augmentation: v.augmentation === undefined ? undefined : namedAugmentation(v.augmentation),
      onProgress: (e) => {
        if (e.type !== 'epoch') return;
        for (const r of e.rows)
          log(
            `  ${v.label} epoch ${r.epoch} ${r.split} loss ${r.loss.toPrecision(4)} ${Object.entries(r.parts)
              .map(([k, x]) => `${k} ${x.toPrecision(3)}`)
              .join(' ')}`,
          );
      },
    });
    seconds[v.label] = Math.round((performance.now() - start) / 100) / 10;
  }
  log('probing');
  const report = await writeReport(runs, {
    out: join(options.out, 'report'),
    targets: ['diagnosis', 'age'],
    seed,
    title: `issue 7: ${subjects} phantom subjects × ${visits} visits at ${shape}³, ${epochs} epochs`,
  });
  const rows = variants.map((v, i): VariantRow => {
    const runDir = runs[i];
    const label = report.summary.find((r) => runDir.endsWith(r.run))?.run ?? v.label;
    const history = historyZstd(runDir);
    const embeddings = readEmbeddingsCsv(join(runDir, 'embeddings.csv'));
    const z = embeddings.rows.map((r) => r.z);
    const dz = metric(report.summary, label, 'diagnosis', 'z', 'balanced_accuracy');
    const dd = metric(report.summary, label, 'diagnosis', 'delta', 'balanced_accuracy');
    const age = metric(report.summary, label, 'age', 'z', 'r');
    const axis = report.summary.find((r) => r.run === label && r.axis)?.axis?.axis_r_tau_age ?? null;
    return {
      label: v.label,
      method: v.method,
      positives:
        v.method in { simclr: 1, supcon: 1, simsiam: 1, byol: 1, directpred: 1 } ? (v.positives ?? 'views') : '',
      diagnosis_bacc_z: dz.mean,
      diagnosis_bacc_z_sd: dz.sd,
      diagnosis_bacc_delta: dd.mean,
      diagnosis_bacc_delta_sd: dd.sd,
      age_r_z: age.mean,
      age_r_z_sd: age.sd,
      axis_r_tau_age: axis,
      zstd_train_last: history.train,
      zstd_validation_last: history.validation,
      embedding_zstd: normalizedStdOfRows(z),
      embedding_zstd_uniform: 1 / Math.sqrt(z[0]?.length ?? 1),
      embedding_effective_rank: effectiveRank(z),
      finite_history: history.finite,
      seconds: seconds[v.label] ?? null,
    };
  });
  await writeFileAtomic(join(options.out, 'table.json'), `${JSON.stringify(rows, null, 2)}\n`);
  return rows;
}

const f = (v: number | null, digits = 2) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));

/** The table as Markdown (the closing note's form). */
export function variantTable(rows: readonly VariantRow[]): string {
  const header =
    '| run | diagnosis bal. acc (z) | diagnosis bal. acc (Δz) | age r (z) | zstd train / val (last epoch) | embedding zstd (1/√D) | eff. rank | s |';
  const lines = rows.map(
    (r) =>
      `| ${r.label} | ${f(r.diagnosis_bacc_z)} ± ${f(r.diagnosis_bacc_z_sd)} | ${f(r.diagnosis_bacc_delta)} ± ${f(r.diagnosis_bacc_delta_sd)} | ${f(r.age_r_z)} ± ${f(r.age_r_z_sd)}${r.axis_r_tau_age === null ? '' : ` (axis ${f(r.axis_r_tau_age)})`} | ${f(r.zstd_train_last, 3)} / ${f(r.zstd_validation_last, 3)} | ${f(r.embedding_zstd, 3)} (${f(r.embedding_zstd_uniform, 3)}) | ${f(r.embedding_effective_rank, 1)} | ${r.seconds ?? 'reused'}${r.finite_history ? '' : ' NaN!'} |`,
  );
  return [header, `|${'---|'.repeat(8)}`, ...lines].join('\n');
}
