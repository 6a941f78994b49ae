/**
 * Batches: seeded shuffling of scan or pair references, and assembly of a batch's volumes
 * into tensors, with an optional augmentation applied on the host first.
 */
import { inputError } from '../errors.js';
import { volumesToTensor } from '../nn/autoencoder.js';
import type { Rng } from '../rng.js';
import type { PairRef, ScanRef, SplitData, TrainingData } from './data.js';
import type { Batch, BatchKind } from './method.js';

/**
 * A random transform of one x-fastest volume of shape [nx, ny, nz], drawing its parameters
 * from `spatial` (the same stream for every visit of a subject within a step, so both
 * visits of a pair move together) and `intensity` (one stream per scan).
 * src/train/augment.ts provides the standard one.
 */
export type VolumeAugmenter = (
  volume: Float32Array,
  shape: [number, number, number],
  draws: { spatial: Rng; intensity: Rng },
) => Float32Array;

/** The items a batch kind draws from a split: pairs for 'pairs', scans otherwise. */
export function itemsOf(kind: BatchKind, split: SplitData): (ScanRef | PairRef)[] {
  return kind === 'pairs' ? split.pairs : split.scans;
}

/** Consecutive batches of `batchSize` (the last may be smaller), shuffled when rng is given. */
export function planBatches<T>(items: readonly T[], batchSize: number, rng?: Rng): T[][] {
  if (!Number.isInteger(batchSize) || batchSize <= 0)
    throw inputError(`batch size must be a positive integer, not ${batchSize}`);
  const order = rng ? rng.shuffle(items) : items.slice();
  const batches: T[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
  return batches;
}

export interface AssembleOptions {
  augment?: VolumeAugmenter;
  /** the step's generator; augmentation streams fork from it */
  rng: Rng;
}

/** Loads, optionally augments, and stacks the volumes of one batch (the caller disposes it). */
export async function assembleBatch(
  kind: BatchKind,
  refs: readonly (ScanRef | PairRef)[],
  data: TrainingData,
  options: AssembleOptions,
): Promise<Batch> {
  const shape = data.volumeShape;
  const { augment, rng } = options;
  const load = async (scan: ScanRef, role: string, index: number, spatialLabel: string) => {
    const voxels = await data.loadVolume(scan);
    if (!augment) return voxels;
    return augment(voxels, shape, {
      spatial: rng.fork(spatialLabel),
      intensity: rng.fork(`intensity:${role}:${index}:${scan.key}`),
    });
  };
  if (kind === 'pairs') {
    const pairs = refs as PairRef[];
    const earlier = await Promise.all(
      pairs.map((p, i) => load(p.earlier, 'earlier', i, `spatial:${p.earlier.subject}`)),
    );
    const later = await Promise.all(pairs.map((p, i) => load(p.later, 'later', i, `spatial:${p.later.subject}`)));
    return { kind, earlier: volumesToTensor(earlier, shape), later: volumesToTensor(later, shape), items: pairs };
  }
  const scans = refs as ScanRef[];
  if (kind === 'scans') {
    const x = await Promise.all(scans.map((s, i) => load(s, 'scan', i, `spatial:${s.subject}`)));
    return { kind, x: volumesToTensor(x, shape), items: scans };
  }
  if (!augment)
    throw inputError('this method trains on two augmented views of each scan and needs an augmentation (--augment)');
  const view1 = await Promise.all(scans.map((s, i) => load(s, 'view1', i, `spatial:view1:${i}`)));
  const view2 = await Promise.all(scans.map((s, i) => load(s, 'view2', i, `spatial:view2:${i}`)));
  return { kind, view1: volumesToTensor(view1, shape), view2: volumesToTensor(view2, shape), items: scans };
}

/** Every tensor of a batch, for disposal. */
export function batchTensors(batch: Batch) {
  switch (batch.kind) {
    case 'pairs':
      return [batch.earlier, batch.later];
    case 'scans':
      return [batch.x];
    case 'views':
      return [batch.view1, batch.view2];
  }
}
