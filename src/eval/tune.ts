/**
 * `lssl tune`: a method's key settings chosen on validation subjects only. Every combination
 * of a small grid (learning rate, latent, and for LSSL λ_recon) is trained on the run's own
 * training subjects, and scored by a label-free criterion on its validation subjects — the
 * subjects `lssl train` holds out with the same seed, never a test subject:
 *
 * - lssl: the direction term 1 − cos(Δz, τ) of the validation pairs, i.e. how well the learnt
 *   direction of progression carries over to subjects the encoder never saw (comparable across
 *   λ_recon and latents, where the total loss is not);
 * - ae, vae: the reconstruction error of the validation scans (the KL's weight is fixed);
 * - the contrastive methods: their validation loss.
 *
 * Each is read at the epoch `lssl train` keeps (the best validation loss). A user keeps test
 * subjects out of SOURCE altogether; the chosen settings are then passed to `lssl train`.
 *
 * For lssl the grid may also hold the normalisation (--normalize, --mask): a cosine does not
 * depend on the intensity scale, so 1 − cos ranks them, where a reconstruction error (ae, vae)
 * or a contrastive loss would compare numbers of different inputs. On the two phantoms the
 * two ends of the choice win on different anatomy (docs/lssl.md), so it is the cohort's to make.
 */
import { join } from 'node:path';
import { inputError } from '../errors.js';
import type { Cohort } from '../io/cohort.js';
import { writeFileAtomic } from '../io/atomic.js';
import { createMethod, type MethodName } from '../methods.js';
import { cohortTrainingData } from '../train/cohort-data.js';
import { train } from '../train/engine.js';
import type { HistoryRow } from '../train/history.js';
import type { ProgressEvent } from '../train/progress.js';
import { volumeAugmenter } from '../train/augmenter.js';
import type { MaskMethod, NormalizeMethod, PreprocessOptions } from '../io/transforms.js';

/** One setting of the grid; an absent key keeps the method's default. */
export interface TuneSetting {
  learningRate?: number;
  /** dense latent size, or null for the flattened conv features */
  latentSize?: number | null;
  lambdaRecon?: number;
  /** lssl only: the preprocessing's normalisation and the region of its statistics */
  normalize?: NormalizeMethod | 'none';
  mask?: MaskMethod | 'none';
}

export interface TuneGrid {
  learningRate?: readonly number[];
  latentSize?: readonly (number | null)[];
  lambdaRecon?: readonly number[];
  normalize?: readonly (NormalizeMethod | 'none')[];
  mask?: readonly (MaskMethod | 'none')[];
}

export interface TuneOptions {
  method: MethodName;
  grid: TuneGrid;
  shape: number;
  epochs: number;
  batch?: number;
  seed: number;
  cacheDir?: string;
  /** share of subjects held out for validation (default 0.2, as lssl train) */
  validationFraction?: number;
  /** preprocessing every setting shares (the grid's normalize/mask replace its fields) */
  preprocess?: PreprocessOptions;
  /** one run folder per setting is written under it, and tune.csv beside them */
  out: string;
  /** called before each setting trains (index 0-based) */
  onSetting?: (setting: TuneSetting, index: number, total: number) => void;
  onProgress?: (event: ProgressEvent) => void;
}

export interface TuneRow {
  setting: TuneSetting;
  /** the criterion on the validation subjects (lower is better) */
  criterion: number;
  /** the validation part the criterion is (`cos`, `recon`, or `loss`) */
  criterionName: string;
  bestEpoch: number;
  runDir: string;
}

export interface TuneResult {
  rows: TuneRow[];
  best: TuneRow;
}

/** The cartesian product of the grid, in a fixed order (normalisation, then learning rate, outermost). */
export function gridSettings(grid: TuneGrid): TuneSetting[] {
  type Axis = [keyof TuneGrid, readonly (number | string | null)[]];
  const axes = (
    [
      ['normalize', grid.normalize],
      ['mask', grid.mask],
      ['learningRate', grid.learningRate],
      ['latentSize', grid.latentSize],
      ['lambdaRecon', grid.lambdaRecon],
    ] as [keyof TuneGrid, readonly (number | string | null)[] | undefined][]
  ).filter((a): a is Axis => a[1] !== undefined && a[1].length > 0);
  let settings: TuneSetting[] = [{}];
  for (const [key, values] of axes) settings = settings.flatMap((s) => values.map((v) => ({ ...s, [key]: v })));
  return settings;
}

/** The preprocessing fields a setting sets. */
function preprocessOf(setting: TuneSetting): PreprocessOptions {
  return {
    ...(setting.normalize !== undefined && { normalize: setting.normalize }),
    ...(setting.mask !== undefined && { mask: setting.mask }),
  };
}

/** The validation part a method is tuned on (the file's comment says why). */
export function tuneCriterion(method: MethodName): string {
  if (method === 'none') throw inputError('none has nothing to tune: it is the untrained encoder');
  if (method === 'lssl') return 'cos';
  if (method === 'ae' || method === 'vae') return 'recon';
  return 'loss';
}

/** The criterion of a finished run: its validation row at the epoch it keeps. */
export function criterionOf(history: readonly HistoryRow[], bestEpoch: number, criterion: string): number {
  const row = history.find((r) => r.split === 'validation' && r.epoch === bestEpoch);
  if (row === undefined) throw inputError('tune needs validation subjects: give a --validation share above 0');
  return criterion === 'loss' ? row.loss : (row.parts[criterion] ?? Number.NaN);
}

const settingLabel = (s: TuneSetting) =>
  [
    s.normalize !== undefined && `normalize ${s.normalize}`,
    s.mask !== undefined && `mask ${s.mask}`,
    s.learningRate !== undefined && `lr ${s.learningRate}`,
    s.latentSize !== undefined && `latent ${s.latentSize ?? 'none'}`,
    s.lambdaRecon !== undefined && `lambda-recon ${s.lambdaRecon}`,
  ]
    .filter(Boolean)
    .join(', ') || 'defaults';

/** Trains every setting of the grid and ranks them on the validation subjects. */
export async function tune(cohort: Cohort, options: TuneOptions): Promise<TuneResult> {
  const criterionName = tuneCriterion(options.method);
  if (options.grid.lambdaRecon !== undefined && !['lssl', 'ae', 'vae'].includes(options.method)) {
    throw inputError(`${options.method} has no reconstruction term: --lambda-recon is for lssl, ae and vae`);
  }
  if ((options.grid.normalize !== undefined || options.grid.mask !== undefined) && options.method !== 'lssl') {
    throw inputError(
      `--normalize and --mask are tuned for lssl only: ${options.method}'s criterion is not comparable across normalisations`,
    );
  }
  const settings = gridSettings(options.grid);
  // the same subjects and split for every setting; only the preprocessing may differ
  const dataFor = (setting: TuneSetting) =>
    cohortTrainingData(cohort, {
      shape: options.shape,
      cacheDir: options.cacheDir,
      cache: { preprocess: { ...options.preprocess, ...preprocessOf(setting) } },
      seed: options.seed,
      validationFraction: options.validationFraction,
    });
  if (dataFor({}).validation.scans.length === 0) {
    throw inputError('tune needs validation subjects: give a --validation share above 0');
  }
  const rows: TuneRow[] = [];
  for (const [index, setting] of settings.entries()) {
    options.onSetting?.(setting, index, settings.length);
    const data = dataFor(setting);
    const runDir = join(options.out, `setting-${index + 1}`);
    const network = {
      inputShape: options.shape,
      seed: options.seed,
      ...(setting.latentSize !== undefined && { latentSize: setting.latentSize }),
    };
    const method = createMethod(options.method, {
      network,
      ...(setting.lambdaRecon !== undefined && { lambdaRecon: setting.lambdaRecon }),
    });
    try {
      const result = await train({
        method,
        data,
        options: {
          epochs: options.epochs,
          seed: options.seed,
          ...(options.batch !== undefined && { batchSize: options.batch }),
          ...(setting.learningRate !== undefined && { learningRate: setting.learningRate }),
        },
        augment: method.augmentation.byDefault ? volumeAugmenter(method.augmentation.options) : undefined,
        runDir,
        force: true,
        onProgress: options.onProgress,
      });
      const criterion = criterionOf(result.history, result.bestEpoch, criterionName);
      rows.push({ setting, criterion, criterionName, bestEpoch: result.bestEpoch, runDir });
    } finally {
      method.dispose();
    }
  }
  const finite = rows.filter((r) => Number.isFinite(r.criterion));
  if (finite.length === 0) throw inputError('no setting of the grid gave a finite validation criterion');
  const best = finite.reduce((a, b) => (b.criterion < a.criterion ? b : a));
  await writeFileAtomic(join(options.out, 'tune.csv'), new TextEncoder().encode(tuneCsv(rows, best)));
  return { rows, best };
}

/** tune.csv: one row per setting, the chosen one marked. */
export function tuneCsv(rows: readonly TuneRow[], best: TuneRow): string {
  const header = 'setting,normalize,mask,lr,latent,lambda_recon,criterion,value,best_epoch,chosen,run';
  const lines = rows.map((r) =>
    [
      JSON.stringify(settingLabel(r.setting)),
      r.setting.normalize ?? '',
      r.setting.mask ?? '',
      r.setting.learningRate ?? '',
      r.setting.latentSize === undefined ? '' : (r.setting.latentSize ?? 'none'),
      r.setting.lambdaRecon ?? '',
      `validation ${r.criterionName}`,
      r.criterion,
      r.bestEpoch,
      r === best ? 'yes' : '',
      r.runDir,
    ].join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}

export { settingLabel };
