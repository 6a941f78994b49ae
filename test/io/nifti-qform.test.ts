import { describe, expect, it } from 'vitest';
import {
  closestOrthogonal,
  fillPositiveQuaternion,
  matrixToQuaternion,
  qformAffine,
  qformFromAffine,
  quaternionToMatrix,
  type Matrix3,
} from '../../src/io/nifti-qform.js';

function expectMatrixClose(actual: number[][], expected: number[][], tol = 1e-12): void {
  actual.forEach((row, r) => row.forEach((v, c) => expect(Math.abs(v - expected[r][c])).toBeLessThanOrEqual(tol)));
}

describe('quaternions (nifti1.h METHOD 2)', () => {
  it('maps the hand-worked quaternions to their rotations', () => {
    expectMatrixClose(quaternionToMatrix(1, 0, 0, 0), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    // 180° about x (nifti1.h's example for a left-handed LR/AP/IS grid with qfac −1)
    expectMatrixClose(quaternionToMatrix(0, 1, 0, 0), [
      [1, 0, 0],
      [0, -1, 0],
      [0, 0, -1],
    ]);
    // 90° about z: (cos 45°, 0, 0, sin 45°) takes x to y
    const h = Math.SQRT1_2;
    expectMatrixClose(quaternionToMatrix(h, 0, 0, h), [
      [0, -1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    // a quaternion of norm ~0 reads as the identity, as nibabel's quat2mat
    expectMatrixClose(quaternionToMatrix(0, 0, 0, 0), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
  });

  it('recovers a = sqrt(1 − b² − c² − d²), zero for tiny negative rounding, undefined beyond the threshold', () => {
    expect(fillPositiveQuaternion(0, 0.6, 0, -1e-6)).toEqual([0.8, 0, 0.6, 0]);
    expect(fillPositiveQuaternion(1 + 1e-9, 0, 0, -1e-6)).toEqual([0, 1 + 1e-9, 0, 0]);
    expect(fillPositiveQuaternion(1.1, 0, 0, -1e-6)).toBeUndefined();
  });

  it('matrixToQuaternion inverts quaternionToMatrix with a ≥ 0, in every branch of Shepperd’s method', () => {
    const quats: [number, number, number, number][] = [
      [0.9, 0.1, -0.3, 0.2],
      [0.05, 0.9, 0.3, -0.2], // largest diagonal x
      [0.05, 0.2, -0.9, 0.3], // y
      [0.05, -0.2, 0.3, 0.9], // z
      [-0.5, 0.5, 0.5, 0.5], // a < 0 comes back negated
    ];
    for (const q of quats) {
      const n = Math.hypot(...q);
      const unit = q.map((v) => ((q[0] < 0 ? -1 : 1) * v) / n);
      const back = matrixToQuaternion(quaternionToMatrix(...(q as [number, number, number, number])));
      back.forEach((v, i) => expect(v).toBeCloseTo(unit[i], 12));
    }
  });

  it('closestOrthogonal keeps a rotation and removes a small shear symmetrically', () => {
    const rotation = quaternionToMatrix(0.9, 0.1, -0.3, 0.2);
    expectMatrixClose(closestOrthogonal(rotation), rotation, 1e-14);
    // polar factor of [[1, s], [s, 1]]-type symmetric positive matrices is the identity
    const symmetric: Matrix3 = [
      [1, 0.2, 0],
      [0.2, 1, 0],
      [0, 0, 1],
    ];
    expectMatrixClose(
      closestOrthogonal(symmetric),
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      1e-14,
    );
  });
});

describe('qformFromAffine (nibabel set_qform)', () => {
  it('diag(−2, 3, 4): zooms 2, 3, 4, qfac −1 and a 180° turn about y (quatern_c = 1), as nibabel writes', () => {
    const q = qformFromAffine([
      [-2, 0, 0, 5],
      [0, 3, 0, 6],
      [0, 0, 4, 7],
      [0, 0, 0, 1],
    ])!;
    expect(q.pixdim).toEqual([2, 3, 4]);
    expect(q.qfac).toBe(-1);
    q.quaternion.forEach((v, i) => expect(Math.abs(v)).toBeCloseTo([0, 0, 1, 0][i], 12));
    expect(q.offset).toEqual([5, 6, 7]);
  });

  it('round-trips rotated, flipped affines through the qform formula', () => {
    const r = quaternionToMatrix(0.8, 0.2, -0.4, 0.4);
    for (const flip of [1, -1]) {
      const zooms = [1.2, 0.9, 2.5];
      const affine = [0, 1, 2].map((row) => [
        ...[0, 1, 2].map((c) => r[row][c] * zooms[c] * (c === 2 ? flip : 1)),
        row * 10 - 3,
      ]);
      affine.push([0, 0, 0, 1]);
      const q = qformFromAffine(affine)!;
      expect(q.qfac).toBe(flip);
      expectMatrixClose(qformAffine(q.quaternion, q.pixdim, q.qfac, q.offset), affine, 1e-12);
    }
  });

  it('gives undefined for a singular affine', () => {
    expect(
      qformFromAffine([
        [1, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 1],
      ]),
    ).toBeUndefined();
    expect(
      qformFromAffine([
        [1, 1, 0, 0],
        [1, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ]),
    ).toBeUndefined();
  });
});
