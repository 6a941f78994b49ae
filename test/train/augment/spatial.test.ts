import { describe, expect, it } from 'vitest';
import {
  applySpatial,
  drawSpatial,
  identitySpatialParams,
  parseSpatialOptions,
  type SpatialParams,
} from '../../../src/train/augment/spatial.js';
import { createRng } from '../../../src/rng.js';

type Triple = [number, number, number];

function randomVolume(seed: number, shape: Triple): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => rng.normal());
}

/** A volume whose value is one voxel coordinate (axis 0, 1 or 2): trilinear reproduces it exactly. */
function coordinateVolume(shape: Triple, axis: number): Float32Array {
  const out = new Float32Array(shape[0] * shape[1] * shape[2]);
  let n = 0;
  for (let k = 0; k < shape[2]; k++)
    for (let j = 0; j < shape[1]; j++) for (let i = 0; i < shape[0]; i++) out[n++] = [i, j, k][axis];
  return out;
}

const at = (shape: Triple, i: number, j: number, k: number) => i + shape[0] * (j + shape[1] * k);

/**
 * The documented forward content map, written independently of the implementation:
 * flip, then c + D⁻¹RSD(y − c) + t, then the crop window resized to the full shape.
 */
function forwardMap(p: Triple, shape: Triple, params: SpatialParams): Triple {
  const y = p.map((v, a) => (params.flip[a] ? shape[a] - 1 - v : v));
  const c = shape.map((n) => (n - 1) / 2);
  const d = params.spacing;
  const mm = y.map((v, a) => (v - c[a]) * d[a] * params.scale[a]);
  const r = params.rotationDegrees.map((deg) => (deg * Math.PI) / 180);
  const rotX = [
    mm[0],
    Math.cos(r[0]) * mm[1] - Math.sin(r[0]) * mm[2],
    Math.sin(r[0]) * mm[1] + Math.cos(r[0]) * mm[2],
  ];
  const rotY = [
    Math.cos(r[1]) * rotX[0] + Math.sin(r[1]) * rotX[2],
    rotX[1],
    -Math.sin(r[1]) * rotX[0] + Math.cos(r[1]) * rotX[2],
  ];
  const rotZ = [
    Math.cos(r[2]) * rotY[0] - Math.sin(r[2]) * rotY[1],
    Math.sin(r[2]) * rotY[0] + Math.cos(r[2]) * rotY[1],
    rotY[2],
  ];
  const a = rotZ.map((v, ax) => v / d[ax] + c[ax] + params.translation[ax]);
  if (!params.crop) return a as Triple;
  const { origin, size } = params.crop;
  return a.map((v, ax) => ((v - origin[ax] + 0.5) * shape[ax]) / size[ax] - 0.5) as Triple;
}

describe('applySpatial', () => {
  const shape: Triple = [12, 10, 8];

  it('returns an exact copy for identity parameters (any spacing)', () => {
    const data = randomVolume(1, shape);
    expect(applySpatial(data, shape, identitySpatialParams())).toEqual(data);
    expect(applySpatial(data, shape, identitySpatialParams([1.2, 1, 0.7]))).toEqual(data);
    const drawn = drawSpatial(createRng(3), shape, { affine: { degrees: 0, scales: 0, translation: 0 } });
    expect(applySpatial(data, shape, drawn)).toEqual(data);
  });

  it('flips voxel i to n − 1 − i, and flipping twice is the identity', () => {
    const data = randomVolume(2, shape);
    const params: SpatialParams = { ...identitySpatialParams(), flip: [true, false, true] };
    const once = applySpatial(data, shape, params);
    expect(once[at(shape, 11, 3, 7)]).toBe(data[at(shape, 0, 3, 0)]);
    expect(applySpatial(once, shape, params)).toEqual(data);
  });

  it('moves a point by the translation', () => {
    const data = new Float32Array(shape[0] * shape[1] * shape[2]);
    data[at(shape, 5, 6, 2)] = 1;
    const out = applySpatial(data, shape, { ...identitySpatialParams(), translation: [2, -1, 3] });
    expect(out[at(shape, 7, 5, 5)]).toBe(1);
    expect(out.reduce((s, v) => s + v, 0)).toBe(1);
    // a half-voxel shift spreads the point over two voxels equally
    const half = applySpatial(data, shape, { ...identitySpatialParams(), translation: [0.5, 0, 0] });
    expect([half[at(shape, 5, 6, 2)], half[at(shape, 6, 6, 2)]]).toEqual([0.5, 0.5]);
  });

  it('rotates 90° about z: (x − c, y − c) → (−(y − c), x − c)', () => {
    const cube: Triple = [9, 9, 3];
    const data = new Float32Array(9 * 9 * 3);
    data[at(cube, 6, 4, 1)] = 1; // 2 voxels right of the centre (4, 4)
    const out = applySpatial(data, cube, { ...identitySpatialParams(), rotationDegrees: [0, 0, 90], padValue: 0 });
    expect(out[at(cube, 4, 6, 1)]).toBeCloseTo(1, 10);
    expect(out.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
  });

  it('composes flip, affine and crop exactly as documented (coordinate volumes)', () => {
    const rng = createRng(21);
    const params = drawSpatial(rng, shape, {
      spacing: [1, 1.5, 2],
      flip: { axes: [0, 1, 2], probability: 0.5 },
      affine: { degrees: 20, scales: 0.2, translation: 1.5 },
      crop: { fraction: [0.6, 0.9] },
    });
    expect(params.crop).not.toBeNull();
    const sources = [0, 1, 2].map((axis) =>
      applySpatial(coordinateVolume(shape, axis), shape, { ...params, padValue: -1000 }),
    );
    let checked = 0;
    for (let k = 0; k < shape[2]; k++)
      for (let j = 0; j < shape[1]; j++)
        for (let i = 0; i < shape[0]; i++) {
          const source = sources.map((s) => s[at(shape, i, j, k)]) as Triple;
          if (source.some((v) => v < -1)) continue; // sampled outside the input
          const back = forwardMap(source, shape, params);
          expect(back[0]).toBeCloseTo(i, 3);
          expect(back[1]).toBeCloseTo(j, 3);
          expect(back[2]).toBeCloseTo(k, 3);
          checked++;
        }
    expect(checked).toBeGreaterThan(200);
  });

  it('keeps the shape, pads with the minimum, and replays from JSON parameters', () => {
    const data = randomVolume(4, shape);
    const params = drawSpatial(createRng(9), shape, { affine: { degrees: 30, translation: 3 }, crop: {} });
    const out = applySpatial(data, shape, params);
    expect(out.length).toBe(data.length);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(Math.min(...data) - 1e-6);
    expect(applySpatial(data, shape, JSON.parse(JSON.stringify(params)))).toEqual(out);
    expect(drawSpatial(createRng(9), shape, { affine: { degrees: 30, translation: 3 }, crop: {} })).toEqual(params);
  });

  it('validates options into canonical ranges with messages that echo the value', () => {
    const config = parseSpatialOptions({
      affine: { degrees: [-5, 15], scales: 0.2, translation: 2, translationUnit: 'mm' },
      spacing: [2, 1, 1],
    });
    expect(config.affine?.degrees).toEqual([
      [-5, 15],
      [-5, 15],
      [-5, 15],
    ]);
    expect(config.affine?.scales[0][0]).toBeCloseTo(0.8, 12);
    expect(config.affine?.translationVoxels[0]).toEqual([-1, 1]);
    expect(() => parseSpatialOptions({ affine: { degrees: -3 } })).toThrow(
      /degrees must be a finite number ≥ 0, not -3/,
    );
    expect(() => parseSpatialOptions({ affine: { scales: 1.5 } })).toThrow(/scales must stay above 0/);
    expect(() => parseSpatialOptions({ flip: { axes: [3] } })).toThrow(/flip axes must be 0, 1 or 2, not 3/);
    expect(() => parseSpatialOptions({ crop: { fraction: [0.5, 1.2] } })).toThrow(/crop fraction must lie in \(0, 1\]/);
    expect(() => applySpatial(new Float32Array(5), shape, identitySpatialParams())).toThrow(/960 voxels, not 5/);
  });
});
