import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from '../../src/io/float16.js';
import { pythonJson } from '../eval/python-reference.js';

/** numpy's float32 → float16 bits, and those halves back as float32 bits: the reference. */
function numpyHalf(values: number[]): { bits: number[]; back: number[] } {
  const script = `
import json, sys, numpy as np
v = np.array(json.load(sys.stdin), dtype=np.float32)
h = v.astype(np.float16)
print(json.dumps({'bits': h.view(np.uint16).tolist(), 'back': h.astype(np.float32).view(np.uint32).tolist()}))
`;
  return pythonJson(script, values);
}

describe('float16', () => {
  it('encodes like numpy: normals, subnormals, ties to even, overflow, signed zero', () => {
    const values = [
      0,
      1,
      -1,
      0.1,
      1 / 3,
      2.5,
      65504,
      65519,
      65520,
      1e6,
      -1e6,
      6.1e-5,
      5.96e-8,
      2.98e-8,
      2.99e-8,
      1e-9,
      1.00048828125,
      1.00146484375,
      2049,
      2051,
      -7.25e-6,
      // biome-ignore lint/suspicious/noApproximativeNumericConstant: an arbitrary value that float16 rounds, not π
      3.14159,
    ];
    const f32 = Array.from(new Float32Array(values));
    const ref = numpyHalf(f32);
    expect(f32.map(toFloat16Bits)).toEqual(ref.bits);
    expect(toFloat16Bits(-0)).toBe(0x8000); // JSON cannot carry -0 to numpy
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true);
    expect(Array.from(new Uint32Array(new Float32Array(ref.bits.map(fromFloat16Bits)).buffer))).toEqual(ref.back);
  });

  it('matches numpy on 5,000 random values over the whole range, and round-trips every half', () => {
    let state = 12345;
    const values = Array.from({ length: 5000 }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return ((state / 2 ** 32) * 2 - 1) * 2 ** ((state % 48) - 28);
    });
    const f32 = Array.from(new Float32Array(values));
    expect(Array.from(encodeFloat16(new Float32Array(f32)))).toEqual(numpyHalf(f32).bits);
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = decodeFloat16(all);
    const reencoded = encodeFloat16(decoded);
    const mismatches: number[] = [];
    for (let b = 0; b < 65536; b++) {
      const isNan = (b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0;
      if (!isNan && reencoded[b] !== b) mismatches.push(b);
    }
    expect(mismatches).toEqual([]);
  });
});
