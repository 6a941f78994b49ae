/**
 * Lab: contrastive learning in a hierarchical latent tree model (HLTM; Tian, Yu, Chen,
 * Ganguli, "Understanding Self-supervised Learning with Dual Deep Networks", 2020, §6).
 *
 * Data: a complete binary tree of depth L; node values are ±1; the root is uniform; each
 * child copies its parent through the 2×2 table P(child | parent) = ½[[1+δ, 1−δ], [1−δ, 1+δ]],
 * i.e. P(child = parent) = (1+δ)/2, one δ per edge with |δ| ~ U[0.7, 1] and a random sign.
 * Only the 2^L leaves are observed. A positive pair is two draws of the tree sharing the
 * root (everything below it redrawn given the root).
 * Network: mirrors the tree. Tree level l (2^l nodes) has K units per node; the units of
 * node i see only the units of its two children (level l+1; the leaves for l = L−1):
 * h_l = ReLU(h_{l+1}·(W_l ⊙ mask_l) + b_l), and the root's K units (linear) are the
 * representation trained with ntXentLoss.
 * Measure (their Table 2): per level, the mean over nodes of the best |corr| between the
 * node's latent value and any of its K units, on fresh samples, trained vs at init.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../rng.js';
import { inputError } from '../errors.js';
import { ntXentLoss } from '../contrastive/losses/ntxent.js';
import { trainWithAdam } from './mlp.js';
import { bestAbsCorrelations } from './metrics.js';
import { elapsedSeconds } from './options.js';
import { positiveInteger, positiveNumber } from '../checks.js';

export interface HltmOptions {
  seed?: number;
  /** tree depth L, leaves at level L (default 5: 32 leaves) */
  depth?: number;
  /** units per tree node (default 16) */
  unitsPerNode?: number;
  /** Adam steps (default 500) */
  steps?: number;
  /** pairs per step (default 128) */
  batchSize?: number;
  temperature?: number;
  learningRate?: number;
  /** |δ| ~ U[deltaMin, 1] (default 0.7) */
  deltaMin?: number;
  /** fresh samples for the correlations (default 2000) */
  evalSamples?: number;
}

export interface HltmLevel {
  /** 0 = root, depth − 1 = parents of the leaves */
  level: number;
  corr_trained: number;
  corr_init: number;
  /**
   * the most any function of the node's own leaves can reach: corr(z, E[z | leaves below
   * it]) = √E[E[z | leaves]²], exact posteriors by upward belief propagation, averaged
   * over the level's nodes on the same samples
   */
  corr_ceiling: number;
}

export interface HltmResult {
  lab: 'hltm';
  levels: HltmLevel[];
  final_loss: number;
  seconds: number;
  settings: {
    seed: number;
    depth: number;
    units_per_node: number;
    steps: number;
    batch_size: number;
    temperature: number;
    learning_rate: number;
    delta_min: number;
    eval_samples: number;
    /** per level 1..L, the δ of each edge into that level */
    deltas: number[][];
  };
}

/** A latent tree: deltas[l][i] is the δ of the edge into node i of level l (l ≥ 1; deltas[0] = []). */
export interface LatentTree {
  depth: number;
  deltas: number[][];
}

export function createLatentTree(depth: number, deltaMin: number, rng: Rng): LatentTree {
  const deltas: number[][] = [[]];
  for (let l = 1; l <= depth; l++) {
    deltas.push(Array.from({ length: 2 ** l }, () => (rng.next() < 0.5 ? -1 : 1) * rng.uniform(deltaMin, 1)));
  }
  return { depth, deltas };
}

/**
 * One draw of every node value, level by level (values[l]: 2^l entries of ±1), with the
 * root given (a positive pair shares it) or drawn uniformly.
 */
export function sampleTree(tree: LatentTree, rng: Rng, root?: number): number[][] {
  const values: number[][] = [[root ?? (rng.next() < 0.5 ? -1 : 1)]];
  for (let l = 1; l <= tree.depth; l++) {
    const parents = values[l - 1];
    values.push(tree.deltas[l].map((delta, i) => (rng.next() < (1 + delta) / 2 ? parents[i >> 1] : -parents[i >> 1])));
  }
  return values;
}

interface TreeLayer {
  /** [inputs, outputs]; only the entries where mask = 1 matter */
  kernel: tf.Variable;
  bias: tf.Variable;
  /** [inputs, outputs] 0/1: output node i reads its children 2i and 2i+1 */
  mask: tf.Tensor2D;
}

/** Layers for levels L−1 … 0 (in forward order), He-initialised on their true fan-in. */
function createTreeNetwork(depth: number, k: number, rng: Rng): TreeLayer[] {
  const layers: TreeLayer[] = [];
  for (let l = depth - 1; l >= 0; l--) {
    const unitsIn = l === depth - 1 ? 1 : k; // per child node
    const inputs = 2 ** (l + 1) * unitsIn;
    const outputs = 2 ** l * k;
    const std = Math.sqrt(2 / (2 * unitsIn));
    const kernel = new Float32Array(inputs * outputs);
    const mask = new Float32Array(inputs * outputs);
    for (let r = 0; r < inputs; r++) {
      const child = Math.floor(r / unitsIn);
      for (let c = 0; c < outputs; c++) {
        kernel[r * outputs + c] = std * rng.normal();
        if (child >> 1 === Math.floor(c / k)) mask[r * outputs + c] = 1;
      }
    }
    const variables = tf.tidy(() => ({
      kernel: tf.variable(tf.tensor2d(kernel, [inputs, outputs])),
      bias: tf.variable(tf.zeros([outputs])),
    }));
    layers.push({ ...variables, mask: tf.tensor2d(mask, [inputs, outputs]) });
  }
  return layers;
}

/** leaves: [B, 2^L] → every level's units, root first: [h_0 [B, K], h_1 [B, 2K], …, h_{L−1}]. */
function treeForward(layers: readonly TreeLayer[], leaves: tf.Tensor2D): tf.Tensor2D[] {
  const outputs: tf.Tensor2D[] = [];
  let h = leaves;
  layers.forEach((layer, index) => {
    const pre = tf.add(tf.matMul(h, tf.mul(layer.kernel, layer.mask)), layer.bias) as tf.Tensor2D;
    h = index + 1 < layers.length ? tf.relu(pre) : pre; // the root's units are the linear representation
    outputs.unshift(h);
  });
  return outputs;
}

export function runHltmLab(options: HltmOptions = {}): HltmResult {
  const started = Date.now();
  const seed = options.seed ?? 0;
  const depth = positiveInteger('depth', options.depth ?? 5);
  const k = positiveInteger('unitsPerNode', options.unitsPerNode ?? 16);
  const steps = positiveInteger('steps', options.steps ?? 500);
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 128);
  const temperature = positiveNumber('temperature', options.temperature ?? 0.5);
  const learningRate = positiveNumber('learningRate', options.learningRate ?? 3e-3);
  const deltaMin = options.deltaMin ?? 0.7;
  if (!(deltaMin >= 0 && deltaMin <= 1)) throw inputError(`deltaMin must be in [0, 1], not ${deltaMin}`);
  const evalSamples = positiveInteger('evalSamples', options.evalSamples ?? 2000);

  const rng = createRng(seed);
  const tree = createLatentTree(depth, deltaMin, rng.fork('tree'));
  const layers = createTreeNetwork(depth, k, rng.fork('network'));
  try {
    const evalRng = rng.fork('evaluation');
    const evalSet = Array.from({ length: evalSamples }, () => sampleTree(tree, evalRng));
    const corrInit = levelCorrelations(layers, tree, evalSet, k);
    const dataRng = rng.fork('training');
    const leafCount = 2 ** depth;
    const finalLoss = trainWithAdam(
      layers.flatMap((l) => [l.kernel, l.bias]),
      steps,
      learningRate,
      () => {
        const a = new Float32Array(batchSize * leafCount);
        const b = new Float32Array(batchSize * leafCount);
        for (let s = 0; s < batchSize; s++) {
          const first = sampleTree(tree, dataRng);
          const second = sampleTree(tree, dataRng, first[0][0]);
          a.set(first[depth], s * leafCount);
          b.set(second[depth], s * leafCount);
        }
        const za = treeForward(layers, tf.tensor2d(a, [batchSize, leafCount]))[0];
        const zb = treeForward(layers, tf.tensor2d(b, [batchSize, leafCount]))[0];
        return ntXentLoss(za, zb, temperature);
      },
    );
    const corrTrained = levelCorrelations(layers, tree, evalSet, k);
    const ceiling = correlationCeilings(tree, evalSet);
    return {
      lab: 'hltm',
      levels: corrInit.map((init, level) => ({
        level,
        corr_trained: corrTrained[level],
        corr_init: init,
        corr_ceiling: ceiling[level],
      })),
      final_loss: finalLoss,
      seconds: elapsedSeconds(started),
      settings: {
        seed,
        depth,
        units_per_node: k,
        steps,
        batch_size: batchSize,
        temperature,
        learning_rate: learningRate,
        delta_min: deltaMin,
        eval_samples: evalSamples,
        deltas: tree.deltas.slice(1),
      },
    };
  } finally {
    for (const l of layers) {
      l.kernel.dispose();
      l.bias.dispose();
      l.mask.dispose();
    }
  }
}

/** Per latent level 0 … L−1: mean over the level's nodes of the best |corr| with the node's own K units. */
function levelCorrelations(layers: readonly TreeLayer[], tree: LatentTree, samples: number[][][], k: number): number[] {
  const n = samples.length;
  const leafCount = 2 ** tree.depth;
  const leaves = new Float32Array(n * leafCount);
  samples.forEach((s, r) => leaves.set(s[tree.depth], r * leafCount));
  const units = tf.tidy(() => treeForward(layers, tf.tensor2d(leaves, [n, leafCount])).map((h) => h.dataSync()));
  const out: number[] = [];
  for (let l = 0; l < tree.depth; l++) {
    const width = 2 ** l * k;
    let sum = 0;
    for (let i = 0; i < 2 ** l; i++) {
      const latent = { rows: n, cols: 1, data: Float64Array.from(samples, (s) => s[l][i]) };
      const own = new Float64Array(n * k);
      for (let r = 0; r < n; r++) for (let u = 0; u < k; u++) own[r * k + u] = units[l][r * width + i * k + u];
      sum += bestAbsCorrelations(latent, { rows: n, cols: k, data: own })[0];
    }
    out.push(sum / 2 ** l);
  }
  return out;
}

/**
 * E[z_i | the leaves below node i] for every latent node of one sample (levels 0 … L−1),
 * by the upward pass of belief propagation: λ_i(z) = Π_children Σ_{z_c} P(z_c | z)·λ_c(z_c),
 * with P(z_i = ±1) = ½ at every node (the root is uniform and every table is symmetric).
 */
export function subtreePosteriorMeans(tree: LatentTree, values: readonly (readonly number[])[]): number[][] {
  // likelihood[l][i] = [λ(+1), λ(−1)], normalised to sum 1 (only the ratio matters)
  let below = values[tree.depth].map((x) => (x === 1 ? [1, 0] : [0, 1]));
  const means: number[][] = new Array(tree.depth);
  for (let l = tree.depth - 1; l >= 0; l--) {
    const level: number[][] = [];
    for (let i = 0; i < 2 ** l; i++) {
      let plus = 1;
      let minus = 1;
      for (const c of [2 * i, 2 * i + 1]) {
        const same = (1 + tree.deltas[l + 1][c]) / 2;
        const [lp, lm] = below[c];
        plus *= same * lp + (1 - same) * lm;
        minus *= (1 - same) * lp + same * lm;
      }
      level.push([plus / (plus + minus), minus / (plus + minus)]);
    }
    means[l] = level.map(([p, m]) => p - m);
    below = level;
  }
  return means;
}

/** Per level: mean over nodes of √(mean over samples of E[z | leaves below]²). */
function correlationCeilings(tree: LatentTree, samples: number[][][]): number[] {
  const sums = Array.from({ length: tree.depth }, (_, l) => new Float64Array(2 ** l));
  for (const s of samples) {
    subtreePosteriorMeans(tree, s).forEach((level, l) => level.forEach((m, i) => (sums[l][i] += m * m)));
  }
  return sums.map((level) => level.reduce((acc, ss) => acc + Math.sqrt(ss / samples.length), 0) / level.length);
}
