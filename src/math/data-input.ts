/**
 * Data arguments as either kind of caller holds them: plain arrays (number[], typed arrays,
 * rows of numbers) or TensorFlow.js tensors. A tensor is read with dataSync() and left to
 * its owner (never disposed here); its rank must be the one the argument has.
 *
 * Tensors are recognised by shape (rank, shape, dataSync), not by `instanceof`, so this
 * layer needs no TensorFlow.js import and tensors of another tfjs copy are accepted too.
 */
import type { Tensor } from '@tensorflow/tfjs';

/** N numbers: number[], a typed array, or a tensor of shape [N]. */
export type DataValues = ArrayLike<number> | Tensor;

/** An [N, D] matrix: N rows of D numbers, or a tensor of shape [N, D]. */
export type DataRows = readonly ArrayLike<number>[] | Tensor;

/** A dense row-major matrix; `data[i * cols + j]` is element (i, j). */
export interface RowMajor {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

export function isTensor(value: unknown): value is Tensor {
  const t = value as Tensor | null;
  return (
    typeof t === 'object' &&
    t !== null &&
    typeof t.dataSync === 'function' &&
    typeof t.rank === 'number' &&
    Array.isArray(t.shape)
  );
}

/** The numbers of a 1D argument (`name` says which, in errors); a tensor must be [N]. */
export function valuesOf(values: DataValues, name: string): ArrayLike<number> {
  if (!isTensor(values)) return values;
  if (values.rank !== 1) throw new Error(`${name} must be a 1D tensor [N], not shape [${values.shape}]`);
  return values.dataSync();
}

/** An [N, D] argument as a row-major matrix; rows must all have D entries, a tensor must be [N, D]. */
export function rowMajorOf(matrix: DataRows | RowMajor, name: string): RowMajor {
  if (isTensor(matrix)) {
    if (matrix.rank !== 2) throw new Error(`${name} must be a 2D tensor [N, D], not shape [${matrix.shape}]`);
    const [rows, cols] = matrix.shape as [number, number];
    return { rows, cols, data: matrix.dataSync() };
  }
  if (!Array.isArray(matrix) && 'data' in matrix) return matrix as RowMajor;
  const rows = matrix as readonly ArrayLike<number>[];
  const cols = rows.length > 0 ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols)
      throw new Error(`every row of ${name} must have ${cols} values, not ${row.length} (row ${i})`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  });
  return { rows: rows.length, cols, data };
}

/** An [N, D] argument as N row arrays (for code written over rows). */
export function rowsOf(matrix: DataRows, name: string): ArrayLike<number>[] {
  if (!isTensor(matrix)) return matrix as ArrayLike<number>[];
  const { rows, cols, data } = rowMajorOf(matrix, name);
  return Array.from({ length: rows }, (_, i) => Array.prototype.slice.call(data, i * cols, (i + 1) * cols));
}

/** The n·n row-major values of an [n, n] argument: n·n numbers, or an [n, n] or [n·n] tensor. */
export function squareValuesOf(matrix: DataValues, n: number, name: string): ArrayLike<number> {
  if (!isTensor(matrix)) return matrix;
  const square = matrix.rank === 2 && matrix.shape[0] === n && matrix.shape[1] === n;
  if (!square && !(matrix.rank === 1 && matrix.shape[0] === n * n))
    throw new Error(`${name} must be an [${n}, ${n}] tensor, not shape [${matrix.shape}]`);
  return matrix.dataSync();
}

/**
 * A volume of shape [nx, ny, nz]: its nx·ny·nz voxels x-fastest, or a tensor in the
 * networks' layout [nz, ny, nx] (or [nz, ny, nx, 1]), which holds the same order.
 */
export type DataVolume = Float32Array | Tensor;

/** The x-fastest voxels of a volume argument of shape [nx, ny, nz] (a copy only for tensors). */
export function volumeOf(volume: DataVolume, shape: readonly number[], name: string): Float32Array {
  if (!isTensor(volume)) return volume;
  const [nx, ny, nz] = shape;
  const want = [nz, ny, nx];
  const same = volume.shape.length >= 3 && want.every((n, a) => volume.shape[a] === n);
  const extra = volume.shape.slice(3);
  if (!same || !extra.every((n) => n === 1))
    throw new Error(`${name} must be a [${want}] tensor (z, y, x) for shape [${shape}], not shape [${volume.shape}]`);
  const data = volume.dataSync();
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
