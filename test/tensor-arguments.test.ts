/**
 * Every data argument of the library takes what a TensorFlow.js user holds: the tensor form
 * of a call gives what the array form gives, leaves the caller's tensors alive and leaks
 * nothing; a tensor of the wrong rank is refused, naming the argument.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  balancedAccuracy,
  binaryRocAuc,
  brainAgeGap,
  confusionMatrix,
  directPredGains,
  applyCoordinateMask,
  applyIntensity,
  applySpatial,
  augmentSubject,
  augmentViews,
  DEFAULT_VIEW_AUGMENTATION,
  directPredPredictor,
  drawCoordinateMask,
  drawIntensity,
  drawSpatial,
  gaussianBlur,
  parseIntensityOptions,
  parseSpatialOptions,
  embeddingsTable,
  embeddingsToCsv,
  fitLogistic,
  fitRidge,
  fitRidgePath,
  fitStandardizer,
  jacobiEigen,
  mae,
  matrixFromRows,
  maxWeightAssignment,
  midranks,
  minCostAssignment,
  parseEmbeddingsCsv,
  pearsonR,
  perClassRecall,
  predictLinear,
  predictProba,
  probe,
  r2,
  rocAuc,
  rowSpaceProjector,
  sampleVonMisesFisher,
  sensitivity,
  specificity,
  supConLoss,
  symmetricEigen,
  welchTTest,
} from '../src/index.js';
import { updateCorrelation } from '../src/contrastive/losses/directpred.js';
import { createRng } from '../src/rng.js';

const rng = createRng(15);
const normals = (n: number) => Array.from({ length: n }, () => rng.normal());
/** float32-exact values, so a float32 tensor holds exactly what the array holds */
const float32 = (values: ArrayLike<number>) => Array.from(Float32Array.from(values));
const rowsOf = (flat: number[], cols: number) =>
  Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));

let before: number;
let held: tf.Tensor[];
beforeEach(() => {
  before = tf.memory().numTensors;
  held = [];
});
afterEach(() => {
  // the caller's tensors are still usable (not disposed by the library), then nothing is left
  for (const t of held) expect(t.isDisposed).toBe(false);
  tf.dispose(held);
  expect(tf.memory().numTensors).toBe(before);
});
/** A tensor the test owns (checked alive and disposed after the test). */
function own<T extends tf.Tensor>(t: T): T {
  held.push(t);
  return t;
}

describe('losses', () => {
  it('supConLoss: int32 and float label tensors equal the label array', () => {
    const features = own(tf.tensor3d(normals(8 * 2 * 6), [8, 2, 6]));
    const labels = [0, 1, 2, 0, 1, 2, 0, 3];
    const fromArray = tf.tidy(() => supConLoss(features, labels, { temperature: 0.1 }).dataSync()[0]);
    for (const tensor of [tf.tensor1d(labels, 'int32'), tf.tensor1d(labels)]) {
      own(tensor);
      const fromTensor = tf.tidy(() => supConLoss(features, tensor, { temperature: 0.1 }).dataSync()[0]);
      expect(fromTensor).toBe(fromArray);
    }
    expect(Number.isFinite(fromArray)).toBe(true);
    expect(() => supConLoss(features, own(tf.tensor2d(labels, [8, 1])))).toThrow(/labels must be a 1D tensor \[N\]/);
    expect(() => supConLoss(features, own(tf.tensor1d([0, 1, 2])))).toThrow(/one entry per sample \(8\), not 3/);
  });

  it('directPredPredictor: a [D, D] or [D·D] tensor, rows or a flat array give the same W_p', () => {
    const f = rowsOf(normals(20 * 5), 5);
    const correlation = float32(updateCorrelation(undefined, f));
    const expected = tf.tidy(() => Array.from(directPredPredictor(correlation).dataSync()));
    const forms = [
      own(tf.tensor2d(Array.from(correlation), [5, 5])),
      own(tf.tensor1d(Array.from(correlation))),
      rowsOf(Array.from(correlation), 5),
      Array.from(correlation),
    ];
    for (const form of forms) expect(tf.tidy(() => Array.from(directPredPredictor(form).dataSync()))).toEqual(expected);
    expect(() => directPredPredictor(own(tf.zeros([5, 4])))).toThrow(/must be square, not shape \[5,4\]/);
  });

  it('updateCorrelation and directPredGains take tensors for f, F and the eigenvalues', () => {
    const f = rowsOf(float32(normals(12 * 4)), 4);
    expect(updateCorrelation(undefined, own(tf.tensor2d(f)))).toEqual(updateCorrelation(undefined, f));
    const first = Float64Array.from(float32(updateCorrelation(undefined, f)));
    const next = updateCorrelation(first, f, 0.3);
    expect(updateCorrelation(own(tf.tensor2d(Array.from(first), [4, 4])), own(tf.tensor2d(f)), 0.3)).toEqual(next);
    const values = [3, 1, 0.25, -0.1];
    expect(directPredGains(own(tf.tensor1d(values)))).toEqual(directPredGains(values));
  });
});

describe('linear algebra', () => {
  it('symmetricEigen and jacobiEigen take an [n, n] tensor', () => {
    const a = normals(16);
    const sym = Array.from({ length: 16 }, (_, k) => a[k] + a[(k % 4) * 4 + Math.floor(k / 4)]);
    const tensor = own(tf.tensor2d(sym, [4, 4], 'float32'));
    // the tensor holds float32, so compare with the array rounded the same way
    const rounded = Array.from(Float32Array.from(sym));
    expect(symmetricEigen(tensor, 4).values).toEqual(symmetricEigen(rounded, 4).values);
    expect(jacobiEigen(tensor, 4).values).toEqual(jacobiEigen(rounded, 4).values);
    expect(() => symmetricEigen(own(tf.zeros([4, 3])), 4)).toThrow(/matrix must be an \[4, 4\] tensor/);
  });

  it('ridge, standardizer, row-space projector and matrixFromRows take [N, D] tensors', () => {
    const x = rowsOf(
      normals(30 * 3).map((v) => Math.fround(v)),
      3,
    );
    const y = normals(30).map((v) => Math.fround(v));
    const xt = own(tf.tensor2d(x));
    const yt = own(tf.tensor1d(y));
    expect(matrixFromRows(xt)).toEqual(matrixFromRows(x));
    const model = fitRidge(matrixFromRows(x), y, 0.5);
    expect(fitRidge(xt, yt, 0.5)).toEqual(model);
    expect(fitRidge(x, y, 0.5)).toEqual(model);
    expect(fitRidgePath(xt, yt, [0.5, 2])[0]).toEqual(model);
    expect(predictLinear(model, xt)).toEqual(predictLinear(model, matrixFromRows(x)));
    expect(fitStandardizer(xt)).toEqual(fitStandardizer(matrixFromRows(x)));
    expect(rowSpaceProjector(xt).rank).toBe(rowSpaceProjector(matrixFromRows(x)).rank);
    expect(() => fitRidge(own(tf.tensor1d(y)), y, 1)).toThrow(/x must be a 2D tensor \[N, D\]/);
  });

  it('fitLogistic and predictProba take an [N, D] tensor and an [N] label tensor', () => {
    const x = rowsOf(
      normals(40 * 2).map((v) => Math.fround(v)),
      2,
    );
    const y = x.map((r) => (r[0] + 0.5 * r[1] > 0 ? 1 : 0));
    const options = { lambda: 0.1, gradientTolerance: 1e-9, maxIterations: 300 };
    const fromArrays = fitLogistic(matrixFromRows(x), y, 2, options);
    const fromTensors = fitLogistic(own(tf.tensor2d(x)), own(tf.tensor1d(y, 'int32')), 2, options);
    expect(fromTensors).toEqual(fromArrays);
    expect(predictProba(fromArrays, own(tf.tensor2d(x)))).toEqual(predictProba(fromArrays, matrixFromRows(x)));
  });
});

describe('metrics and statistics', () => {
  const yTrue = [0, 1, 2, 1, 0, 2, 1, 0, 2, 1];
  const yPred = [0, 1, 1, 1, 0, 2, 0, 0, 2, 2];
  const binary = yTrue.map((v) => (v === 1 ? 1 : 0));
  const scores = normals(10);
  const probabilities = rowsOf(
    normals(30).map((v) => Math.fround(Math.abs(v))),
    3,
  );

  it('class metrics equal on int32 tensors and arrays', () => {
    const t = own(tf.tensor1d(yTrue, 'int32'));
    const p = own(tf.tensor1d(yPred, 'int32'));
    expect(confusionMatrix(t, p)).toEqual(confusionMatrix(yTrue, yPred));
    expect(perClassRecall(t, p)).toEqual(perClassRecall(yTrue, yPred));
    expect(balancedAccuracy(t, p, 3)).toBe(balancedAccuracy(yTrue, yPred, 3));
    expect(sensitivity(t, p)).toBe(sensitivity(yTrue, yPred));
    expect(specificity(t, p)).toBe(specificity(yTrue, yPred));
    expect(() => balancedAccuracy(own(tf.tensor2d(yTrue, [10, 1])), p)).toThrow(/yTrue must be a 1D tensor/);
  });

  it('ROC AUC: [N] scores and [N, K] probabilities as tensors', () => {
    const s32 = scores.map((v) => Math.fround(v));
    const b = own(tf.tensor1d(binary, 'int32'));
    expect(binaryRocAuc(b, own(tf.tensor1d(s32)))).toBe(binaryRocAuc(binary, s32));
    expect(rocAuc(b, own(tf.tensor1d(s32)))).toBe(rocAuc(binary, s32));
    expect(rocAuc(own(tf.tensor1d(yTrue, 'int32')), own(tf.tensor2d(probabilities)))).toBe(
      rocAuc(yTrue, probabilities),
    );
    expect(midranks(own(tf.tensor1d(s32)))).toEqual(midranks(s32));
  });

  it('regression metrics, brain-age gap and Welch t-test equal on float tensors and arrays', () => {
    const a = normals(12).map((v) => Math.fround(v));
    const c = normals(12).map((v) => Math.fround(v + 0.5));
    const [at, ct] = [own(tf.tensor1d(a)), own(tf.tensor1d(c))];
    expect(mae(at, ct)).toBe(mae(a, c));
    expect(pearsonR(at, ct)).toBe(pearsonR(a, c));
    expect(r2(at, ct)).toBe(r2(a, c));
    expect(brainAgeGap(at, ct)).toEqual(brainAgeGap(a, c));
    expect(welchTTest(at, ct)).toEqual(welchTTest(a, c));
  });
});

describe('labs', () => {
  it('assignments take a [rows, cols] tensor; vMF takes μ as a tensor', () => {
    const w = rowsOf(
      normals(16).map((v) => Math.fround(v)),
      4,
    );
    expect(maxWeightAssignment(own(tf.tensor2d(w)))).toEqual(maxWeightAssignment(w));
    expect(minCostAssignment(own(tf.tensor2d(w)))).toEqual(minCostAssignment(w));
    const mu = [0.6, 0.8, 0];
    const fromTensor = sampleVonMisesFisher(own(tf.tensor1d(mu, 'float32')), 5, createRng(3));
    const fromArray = sampleVonMisesFisher(Float32Array.from(mu), 5, createRng(3));
    expect(fromTensor).toEqual(fromArray);
  });
});

describe('embeddings', () => {
  it('embeddingsTable from a [N, D] tensor holds what embeddings.csv of the same values holds, and probes the same', () => {
    const scans = Array.from({ length: 18 }, (_, i) => ({
      subject: `sub-${Math.floor(i / 3)}`,
      session: `ses-${i % 3}`,
      age: 70 + Math.floor(i / 3) + (i % 3) * 1.5,
      covariates: { diagnosis: ['CN', 'AD'][Math.floor(i / 3) % 2], site: i === 4 ? null : 'A' },
    }));
    const z = rowsOf(float32(normals(18 * 4)), 4);
    const tau = float32(scans.map((s) => s.age / 10 + rng.normal() * 0.1));
    const csv = embeddingsToCsv(
      scans.map((s, i) => ({ ...s, z: Float32Array.from(z[i]), tauProj: tau[i], covariates: s.covariates })),
    );
    const fromCsv = parseEmbeddingsCsv(csv);
    const fromTensor = embeddingsTable(scans, own(tf.tensor2d(z)), { tauProj: own(tf.tensor1d(tau)) });
    expect({ ...fromTensor, file: '' }).toEqual({ ...fromCsv, file: '' });
    expect(embeddingsTable(scans, z, { tauProj: tau }).rows).toEqual(fromCsv.rows);
    const options = { target: 'age', folds: 3, seed: 2 };
    expect(probe(fromTensor, options)).toEqual(probe(fromCsv, options));
    expect(() => embeddingsTable(scans.slice(1), own(tf.tensor2d(z)))).toThrow(/z has 18 rows but there are 17 scans/);
  });
});

describe('volumes', () => {
  // x-fastest voxels of shape [nx, ny, nz] are a [nz, ny, nx] tensor in the same order
  const shape: [number, number, number] = [6, 5, 4];
  const voxels = Float32Array.from(normals(6 * 5 * 4));

  it('blur, spatial, intensity and coordinate masking take a [nz, ny, nx] (or [nz, ny, nx, 1]) tensor', () => {
    const volume = own(tf.tensor3d(voxels, [4, 5, 6]));
    expect(gaussianBlur(volume, shape, [1, 0.5, 2])).toEqual(gaussianBlur(voxels, shape, [1, 0.5, 2]));
    expect(gaussianBlur(own(tf.tensor4d(voxels, [4, 5, 6, 1])), shape, [1, 1, 1])).toEqual(
      gaussianBlur(voxels, shape, [1, 1, 1]),
    );
    const spatial = drawSpatial(createRng(4), shape, parseSpatialOptions(DEFAULT_VIEW_AUGMENTATION.spatial ?? {}));
    expect(applySpatial(volume, shape, spatial)).toEqual(applySpatial(voxels, shape, spatial));
    const intensity = drawIntensity(createRng(5), parseIntensityOptions(DEFAULT_VIEW_AUGMENTATION.intensity ?? {}));
    expect(applyIntensity(volume, shape, intensity)).toEqual(applyIntensity(voxels, shape, intensity));
    const mask = drawCoordinateMask(createRng(6), { blockSize: [2, 1, 2] });
    expect(applyCoordinateMask(volume, shape, mask)).toEqual(applyCoordinateMask(voxels, shape, mask));
    // [nx, ny, nz] is not the layout: refused, saying which one is
    expect(() => gaussianBlur(own(tf.tensor3d(voxels, [6, 5, 4])), shape, [1, 1, 1])).toThrow(
      /volume must be a \[4,5,6\] tensor \(z, y, x\) for shape \[6,5,4\], not shape \[6,5,4\]/,
    );
  });

  it('augmentSubject and augmentViews take tensors and draw the same augmentations', () => {
    const later = Float32Array.from(normals(6 * 5 * 4));
    const fromArrays = augmentSubject(createRng(8), [voxels, later], shape);
    const fromTensors = augmentSubject(
      createRng(8),
      [own(tf.tensor3d(voxels, [4, 5, 6])), own(tf.tensor3d(later, [4, 5, 6]))],
      shape,
    );
    expect(fromTensors).toEqual(fromArrays);
    expect(augmentViews(createRng(9), own(tf.tensor3d(voxels, [4, 5, 6])), shape, 2)).toEqual(
      augmentViews(createRng(9), voxels, shape, 2),
    );
  });
});
