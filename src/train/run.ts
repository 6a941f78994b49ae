/**
 * The run directory, written only through atomic renames:
 *
 *   RUN/config.json          everything needed to reproduce the run (method, options,
 *                            cohort fingerprint, versions, backend)
 *   RUN/history.csv          one row per epoch and split (history.ts)
 *   RUN/model.json + weights.bin   the best checkpoint's method variables (TF.js format)
 *   RUN/tau.json             τ and its unit vector, for methods that learn a direction
 *   RUN/checkpoints/epoch-NNNN/    the last finished epoch: model.json + weights.bin with
 *                            the variables and the optimizer moments, state.json with the
 *                            epoch, schedule, optimizer step and history. Written into a
 *                            temporary folder and renamed, so it is whole or absent.
 *
 * Randomness needs no saved position: every generator is derived from (seed, epoch, step)
 * (engine.ts), so the epoch number in state.json is the RNG position.
 */
import type { PreprocessingRecord } from '../io/preprocess-record.js';
import type { RegistrationRecord } from '../io/registration-record.js';
import type * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import type { PlateauState } from './schedule.js';
import type { HistoryRow } from './history.js';
import type { Method } from './method.js';
import type { NamedTensor } from './weights.js';
import { writeFileAtomic } from '../io/atomic.js';

export const RUN_FORMAT = 'lssl-run';
const OWN_ENTRIES = ['config.json', 'history.csv', 'model.json', 'weights.bin', 'tau.json', 'checkpoints'];

export interface RunConfig {
  format: typeof RUN_FORMAT;
  formatVersion: 1;
  method: string;
  methodOptions: Record<string, unknown>;
  training: Record<string, unknown>;
  cohort: {
    fingerprint: string;
    volumeShape: [number, number, number];
    /** how the volumes were preprocessed (absent in runs made before it was recorded: the defaults) */
    preprocessing?: PreprocessingRecord;
    /** how the scans were registered first (absent: not registered) */
    registration?: RegistrationRecord;
    train: { subjects: number; scans: number; pairs: number };
    validation: { subjects: number; scans: number; pairs: number };
  };
  versions: { lssl: string; tfjs: string; node: string };
  backend: string;
  created: string;
}

export interface CheckpointState {
  /** finished epochs (1-based number of the last one) */
  epoch: number;
  plateau: PlateauState;
  optimizerStep: number;
  history: HistoryRow[];
  stoppedEarly: boolean;
}

/** lssl's version from package.json (src/version.ts; re-exported for the run writer). */
export { lsslVersion } from '../version.js';

async function exists(path: string): Promise<boolean> {
  return fs.stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Makes `dir` ready: 'new' for a fresh run, 'resume' to continue one. Refuses an existing
 * run unless `resume` or `force` (force deletes lssl's own files in it, nothing else).
 */
export async function prepareRunDirectory(
  dir: string,
  options: { resume?: boolean; force?: boolean } = {},
): Promise<'new' | 'resume'> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const hasRun = entries.some((e) => OWN_ENTRIES.includes(e));
  if (options.resume) {
    if (!entries.includes('config.json')) throw inputError('nothing to resume: the run folder has no config.json', dir);
    return 'resume';
  }
  if (hasRun && !options.force) {
    throw inputError('the run folder holds a run already; pass --resume to continue it or --force to replace it', dir);
  }
  // hidden entries (.DS_Store, a temporary file) do not make a folder someone's
  const foreign = entries.filter((e) => !OWN_ENTRIES.includes(e) && !e.startsWith('.'));
  if (!hasRun && foreign.length > 0 && !options.force) {
    throw inputError(
      `the run folder holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}) and no run; give a new or empty folder, or --force to write the run beside them`,
      dir,
    );
  }
  if (hasRun) for (const e of OWN_ENTRIES) await fs.rm(join(dir, e), { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  return 'new';
}

/**
 * weights.ts loads TensorFlow.js; the report reads run configs without tensors
 * (readRunConfig), so the weights are imported when first written or read.
 */
const loadWeightsModule = () => import('./weights.js');

export async function writeRunConfig(dir: string, config: RunConfig): Promise<void> {
  await writeFileAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

export async function readRunConfig(dir: string): Promise<RunConfig> {
  const path = join(dir, 'config.json');
  let config: RunConfig;
  try {
    config = JSON.parse(await fs.readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw inputError('not an lssl run folder: it has no config.json', dir);
    throw inputError(`cannot read the run's config: ${(error as Error).message.split('\n')[0]}`, path);
  }
  if (config.format !== RUN_FORMAT)
    throw inputError(`not an lssl run config (format ${JSON.stringify(config.format)})`, path);
  return config;
}

const variableTensors = (method: Method): NamedTensor[] =>
  method.variables().map((v) => ({ name: v.name, tensor: v.variable }));

/** Writes the method's variables as RUN/model.json + weights.bin, and RUN/tau.json if any. */
export async function writeBestModel(dir: string, method: Method, metadata: Record<string, unknown>): Promise<void> {
  const extra: { name: string; data: string }[] = [];
  if (method.direction) {
    const tau = method.variables().find((v) => v.name === 'lssl/tau');
    const body = { tau: tau ? Array.from(tau.variable.dataSync()) : null, unit: Array.from(method.direction()) };
    extra.push({ name: 'tau.json', data: `${JSON.stringify(body)}\n` });
  }
  // model.json, weights.bin and tau.json as one set: a failed write keeps the previous best whole
  const { writeWeights } = await loadWeightsModule();
  await writeWeights(dir, variableTensors(method), { method: method.name, ...metadata }, extra);
}

/** Assigns saved tensors to the method's variables by logical name; refuses any mismatch. */
export function assignVariables(method: Method, tensors: ReadonlyMap<string, tf.Tensor>, source: string): void {
  for (const { name, variable } of method.variables()) {
    const saved = tensors.get(name);
    if (!saved) throw inputError(`weights have no variable ${name}`, source);
    if (saved.shape.join(',') !== variable.shape.join(',')) {
      throw inputError(
        `variable ${name} has shape [${saved.shape}] in the weights, the network needs [${variable.shape}]`,
        source,
      );
    }
    variable.assign(saved);
  }
}

const checkpointName = (epoch: number) => `epoch-${String(epoch).padStart(4, '0')}`;

/** Writes the checkpoint of a finished epoch (whole or not at all) and drops older ones. */
export async function writeCheckpoint(dir: string, tensors: NamedTensor[], state: CheckpointState): Promise<void> {
  const root = join(dir, 'checkpoints');
  await fs.mkdir(root, { recursive: true });
  const tmp = join(root, `.tmp-${checkpointName(state.epoch)}-${process.pid}`);
  await fs.rm(tmp, { recursive: true, force: true });
  const { writeWeights } = await loadWeightsModule();
  try {
    await writeWeights(tmp, tensors, { epoch: state.epoch }, [
      { name: 'state.json', data: `${JSON.stringify(state)}\n` },
    ]);
  } catch (error) {
    // the previous checkpoint is untouched until the new one is whole
    await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const final = join(root, checkpointName(state.epoch));
  await fs.rm(final, { recursive: true, force: true });
  await fs.rename(tmp, final);
  for (const entry of await fs.readdir(root)) {
    if (entry !== checkpointName(state.epoch)) await fs.rm(join(root, entry), { recursive: true, force: true });
  }
}

/** The latest whole checkpoint, or null; the caller disposes the tensors. */
export async function readLatestCheckpoint(
  dir: string,
): Promise<{ state: CheckpointState; tensors: Map<string, tf.Tensor> } | null> {
  const root = join(dir, 'checkpoints');
  const names = (await fs.readdir(root).catch(() => [] as string[])).filter((n) => /^epoch-\d+$/.test(n)).sort();
  for (const name of names.reverse()) {
    const folder = join(root, name);
    if (!(await exists(join(folder, 'state.json')))) continue;
    const state = JSON.parse(await fs.readFile(join(folder, 'state.json'), 'utf8')) as CheckpointState;
    const { readWeights } = await loadWeightsModule();
    const { tensors } = await readWeights(folder);
    return { state, tensors };
  }
  return null;
}
