/**
 * The small data interface the engine trains on. It is deliberately thin so that an
 * in-memory test cohort, the preprocessed cache of a real cohort and the phantom all fit:
 * references to scans and pairs split into train / validation, plus a loader of voxels.
 */
import type { PreprocessingRecord } from '../io/preprocess-record.js';
import type { RegistrationRecord } from '../io/registration-record.js';
import { inputError } from '../errors.js';

export interface ScanRef {
  /** unique key of the scan, handed back to `loadVolume` */
  key: string;
  subject: string;
  session?: string;
  age?: number;
  /** class label for supervised contrastive methods */
  label?: string | number;
}

/** Two visits of one subject, `earlier` before `later` (LSSL's x_s, x_t). */
export interface PairRef {
  earlier: ScanRef;
  later: ScanRef;
}

export interface SplitData {
  scans: ScanRef[];
  pairs: PairRef[];
}

export interface TrainingData {
  /** [nx, ny, nz] of every volume (x fastest); the network sees [nz, ny, nx] */
  volumeShape: [number, number, number];
  train: SplitData;
  /** subjects disjoint from train's; may be empty (then the train loss drives the schedule) */
  validation: SplitData;
  /** voxels of a scan, x-fastest, preprocessed (z-scored, volumeShape) */
  loadVolume(scan: ScanRef): Float32Array | Promise<Float32Array>;
  /** identifies the cohort in config.json (e.g. a hash of keys and file sizes) */
  fingerprint: string;
  /**
   * The preprocessing that made the volumes (normalisation, mask, spacing; the shape is
   * volumeShape), recorded in config.json so `embed` prepares new scans the same way.
   */
  preprocessing?: PreprocessingRecord;
  /** how the scans were registered before preprocessing (absent: not registered), recorded likewise */
  registration?: RegistrationRecord;
}

/** A TrainingData over volumes held in memory, keyed by ScanRef.key: each [nx·ny·nz] x-fastest, volumeShape [nx, ny, nz]. */
export function inMemoryData(options: {
  volumes: ReadonlyMap<string, Float32Array>;
  volumeShape: [number, number, number];
  train: SplitData;
  validation?: SplitData;
  fingerprint?: string;
}): TrainingData {
  const { volumes } = options;
  return {
    volumeShape: options.volumeShape,
    train: options.train,
    validation: options.validation ?? { scans: [], pairs: [] },
    fingerprint: options.fingerprint ?? `memory:${volumes.size}`,
    loadVolume: (scan) => {
      const v = volumes.get(scan.key);
      if (!v) throw inputError(`no volume for scan ${scan.key}`);
      return v;
    },
  };
}

/** Subjects present in both splits (must be none: a leak inflates validation). */
export function overlappingSubjects(data: Pick<TrainingData, 'train' | 'validation'>): string[] {
  const subjectsOf = (split: SplitData) =>
    new Set([...split.scans.map((s) => s.subject), ...split.pairs.map((p) => p.earlier.subject)]);
  const train = subjectsOf(data.train);
  return [...subjectsOf(data.validation)].filter((s) => train.has(s)).sort();
}
