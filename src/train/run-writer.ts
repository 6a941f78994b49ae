/**
 * The training loop's side of the run folder (run.ts describes the layout): everything
 * train() writes or reads on disk — config.json with the first finished epoch (or, on resume,
 * the checks at the start that the run is the same one, and its latest checkpoint), the best model when it improves, and a
 * checkpoint plus history.csv after every finished epoch. The loop itself (engine.ts) does no
 * file I/O: without a run folder it trains in memory only.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { inputError } from '../errors.js';
import type { AdamW } from './adamw.js';
import type { SplitData, TrainingData } from './data.js';
import { historyToCsv } from './history.js';
import type { Method } from './method.js';
import type { ResolvedTrainOptions } from './options.js';
import {
  assignVariables,
  lsslVersion,
  prepareRunDirectory,
  readLatestCheckpoint,
  readRunConfig,
  writeBestModel,
  writeCheckpoint,
  writeRunConfig,
  type CheckpointState,
  type RunConfig,
} from './run.js';

const subjectCount = (split: SplitData) =>
  new Set(split.scans.map((s) => s.subject).concat(split.pairs.map((p) => p.earlier.subject))).size;

/** config.json of a new run: method, options, cohort fingerprint and sizes, versions, backend. */
export function runConfig(
  method: Method,
  data: TrainingData,
  options: ResolvedTrainOptions,
  augmented: boolean,
  backend: string,
): RunConfig {
  const describe = (split: SplitData) => ({
    subjects: subjectCount(split),
    scans: split.scans.length,
    pairs: split.pairs.length,
  });
  return {
    format: 'lssl-run',
    formatVersion: 1,
    method: method.name,
    methodOptions: method.options(),
    training: { ...options, augment: augmented },
    cohort: {
      fingerprint: data.fingerprint,
      volumeShape: data.volumeShape,
      ...(data.preprocessing !== undefined && { preprocessing: data.preprocessing }),
      ...(data.registration !== undefined && { registration: data.registration }),
      train: describe(data.train),
      validation: describe(data.validation),
    },
    versions: { lssl: lsslVersion(), tfjs: tf.version.tfjs, node: process.version },
    backend,
    created: new Date().toISOString(),
  };
}

/** Refuses to resume a run with a different method, options or cohort (epochs may grow). */
export function checkResumable(saved: RunConfig, fresh: RunConfig, dir: string): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const { epochs: _a, ...savedTraining } = saved.training;
  const { epochs: _b, ...freshTraining } = fresh.training;
  const checks: [string, unknown, unknown][] = [
    ['method', saved.method, fresh.method],
    ['method options', saved.methodOptions, fresh.methodOptions],
    ['training options', savedTraining, freshTraining],
    ['cohort', saved.cohort.fingerprint, fresh.cohort.fingerprint],
  ];
  for (const [what, a, b] of checks) {
    if (!same(a, b))
      throw inputError(
        `cannot resume: the ${what} differ from the run's (${JSON.stringify(a)} vs ${JSON.stringify(b)})`,
        join(dir, 'config.json'),
      );
  }
}

export class RunWriter {
  /**
   * A new run's config.json, written with its first checkpoint: a run that fails or is
   * interrupted before finishing an epoch leaves no config.json, so rerunning the same
   * command is not refused as "holds a run already".
   */
  private pendingConfig?: RunConfig;

  constructor(readonly dir: string) {}

  private async writePendingConfig(): Promise<void> {
    if (!this.pendingConfig) return;
    await writeRunConfig(this.dir, this.pendingConfig);
    this.pendingConfig = undefined;
  }

  /**
   * Prepares the folder: a new run writes config.json; a resumed one checks it is the same
   * run, records the new epoch count, and loads the latest checkpoint into the method and the
   * optimizer, returning its state (undefined when there is nothing to resume from).
   */
  async start(
    config: RunConfig,
    method: Method,
    optimizer: AdamW,
    mode: { resume?: boolean; force?: boolean },
  ): Promise<CheckpointState | undefined> {
    if ((await prepareRunDirectory(this.dir, mode)) !== 'resume') {
      this.pendingConfig = config;
      return undefined;
    }
    const saved = await readRunConfig(this.dir);
    checkResumable(saved, config, this.dir);
    await writeRunConfig(this.dir, { ...saved, training: { ...saved.training, epochs: config.training.epochs } });
    const checkpoint = await readLatestCheckpoint(this.dir);
    if (!checkpoint) return undefined;
    try {
      assignVariables(method, checkpoint.tensors, join(this.dir, 'checkpoints'));
      optimizer.loadState(checkpoint.tensors, checkpoint.state.optimizerStep);
    } finally {
      tf.dispose([...checkpoint.tensors.values()]);
    }
    return checkpoint.state;
  }

  /** A method that does not train (`none`): its initial weights are the run, with an empty history. */
  async saveUntrained(method: Method): Promise<void> {
    await this.writePendingConfig();
    await writeBestModel(this.dir, method, { epoch: 0 });
    await writeFileAtomic(join(this.dir, 'history.csv'), historyToCsv([], method.partNames));
  }

  /** After a finished epoch: the best model if it improved, the checkpoint, history.csv. */
  async saveEpoch(
    method: Method,
    optimizer: AdamW,
    state: CheckpointState,
    improved: { loss: number } | undefined,
  ): Promise<void> {
    await this.writePendingConfig();
    if (improved) await writeBestModel(this.dir, method, { epoch: state.epoch, loss: improved.loss });
    const tensors = [
      ...method.variables().map((v) => ({ name: v.name, tensor: v.variable as tf.Tensor })),
      ...optimizer.stateTensors(),
    ];
    await writeCheckpoint(this.dir, tensors, state);
    await writeFileAtomic(join(this.dir, 'history.csv'), historyToCsv(state.history, method.partNames));
  }
}
