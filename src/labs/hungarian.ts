/**
 * The linear assignment problem by the Hungarian method (Kuhn 1955, Munkres 1957) in its
 * O(n²m) shortest-augmenting-path form with row and column potentials (Jonker & Volgenant
 * 1987; the same problem scipy.optimize.linear_sum_assignment solves).
 * The labs use it to match learned units to true latents before averaging correlations (MCC).
 */
import { type DataRows, rowsOf } from '../math/data-input.js';

/** A matching of every row to a distinct column, and its total. */
export interface Assignment {
  /** columnOfRow[i] = the column matched to row i */
  columnOfRow: number[];
  total: number;
}

/**
 * Minimum-cost assignment for a rows × cols cost matrix with rows ≤ cols (each row gets a
 * distinct column). cost: [rows, cols] as nested arrays or a 2D tensor; every entry must be
 * finite.
 */
export function minCostAssignment(costData: DataRows): Assignment {
  const cost = rowsOf(costData, 'cost').map((row) => Array.from(row));
  const n = cost.length;
  const m = n === 0 ? 0 : cost[0].length;
  cost.forEach((row, i) => {
    if (row.length !== m) throw new Error(`every cost row must have ${m} entries, not ${row.length} (row ${i})`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new Error(`cost entries must be finite, not ${v} at (${i}, ${j})`);
    });
  });
  if (n > m) throw new Error(`assignment needs rows ≤ columns, not ${n} rows and ${m} columns (transpose it)`);
  // 1-based arrays as in the classic formulation; index 0 is the virtual start column.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const rowOfColumn = new Int32Array(m + 1); // 0 = free
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    rowOfColumn[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = rowOfColumn[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[rowOfColumn[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (rowOfColumn[j0] !== 0);
    // Flip the augmenting path back to the start.
    do {
      const j1 = way[j0];
      rowOfColumn[j0] = rowOfColumn[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const columnOfRow = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (rowOfColumn[j] !== 0) columnOfRow[rowOfColumn[j] - 1] = j - 1;
  const total = columnOfRow.reduce((s, j, i) => s + cost[i][j], 0);
  return { columnOfRow, total };
}

/** Maximum-weight assignment (rows ≤ cols): the minimum-cost assignment of −weight [rows, cols]. */
export function maxWeightAssignment(weightData: DataRows): Assignment {
  const weight = rowsOf(weightData, 'weight').map((row) => Array.from(row));
  const { columnOfRow } = minCostAssignment(weight.map((row) => row.map((x) => -x)));
  return { columnOfRow, total: columnOfRow.reduce((s, j, i) => s + weight[i][j], 0) };
}
