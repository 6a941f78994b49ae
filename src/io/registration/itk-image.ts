/**
 * lssl volumes (RAS+ affine, x-fastest float32) as itk-wasm images (LPS origin, spacing and
 * direction cosines) for elastix.
 *
 * A NIfTI affine A maps voxel (i, j, k) to RAS: x = M·(i, j, k) + t. ITK maps it to LPS:
 * x = origin + D·diag(spacing)·(i, j, k). With F = diag(−1, −1, 1): spacing = the column norms
 * of M, D = F·M·diag(1/spacing) (row-major in itk-wasm: D[row·3 + column], column = voxel
 * axis), origin = F·t. The voxels keep their order (both are x-fastest), so no reorientation
 * is needed and any stored orientation (LAS, PSR, oblique…) goes through unchanged.
 *
 * itk-wasm copies a typed array's whole `.buffer` into WebAssembly memory and ignores its
 * byteOffset, so every array handed over here owns its buffer exactly (a fresh copy).
 */
import type { Image } from 'itk-wasm';
import type { Volume } from '../volume.js';

/** Geometry of an itk-wasm image in LPS: origin, spacing and row-major direction cosines. */
export interface ItkGeometry {
  origin: [number, number, number];
  spacing: [number, number, number];
  /** row-major 3×3: direction[3·r + c] = LPS component r of voxel axis c */
  direction: number[];
}

/** The LPS geometry of a volume with a RAS+ affine (see the file comment). */
export function itkGeometryOf(volume: Pick<Volume, 'affine'>): ItkGeometry {
  const a = volume.affine;
  const spacing = [0, 1, 2].map((c) => Math.hypot(a[0][c], a[1][c], a[2][c])) as [number, number, number];
  const flip = [-1, -1, 1];
  const direction: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) direction.push((flip[r] * a[r][c]) / spacing[c]);
  return { origin: [-a[0][3], -a[1][3], a[2][3]], spacing, direction };
}

/** A 3D float32 itk-wasm image of `volume`, its data copied into a buffer of its own. */
export function volumeToItkImage(volume: Volume, name = 'image'): Image {
  const { origin, spacing, direction } = itkGeometryOf(volume);
  return {
    imageType: { dimension: 3, componentType: 'float32', pixelType: 'Scalar', components: 1 },
    name,
    origin,
    spacing,
    direction: Float64Array.from(direction),
    size: [...volume.shape],
    metadata: new Map(),
    data: Float32Array.from(volume.data),
  };
}
