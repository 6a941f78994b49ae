import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../src/backend/select.js';
import { readWeights, writeWeights } from '../../src/train/weights.js';
import { runPython } from '../io/python-reference.js';

let dir: string;

describe('writeWeights / readWeights', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'lssl-weights-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips bit-exactly, including −0, NaN, ±∞ and subnormals', async () => {
    const special = new Float32Array([-0, NaN, Infinity, -Infinity, 1e-45, 3.4028234e38, 0.1, -2.5]);
    const a = tf.tensor(special, [2, 4]);
    const b = tf.tensor(
      Float32Array.from({ length: 27 * 2 }, (_, i) => Math.sin(i) / 7),
      [3, 3, 3, 1, 2],
    );
    await writeWeights(
      dir,
      [
        { name: 'encoder/x', tensor: a },
        { name: 'decoder/y', tensor: b },
      ],
      { epoch: 3 },
    );
    const { tensors, metadata } = await readWeights(dir);
    expect(metadata.epoch).toBe(3);
    expect(tensors.get('encoder/x')!.shape).toEqual([2, 4]);
    expect(tensors.get('decoder/y')!.shape).toEqual([3, 3, 3, 1, 2]);
    const bits = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer);
    expect(bits(tensors.get('encoder/x')!).equals(bits(a))).toBe(true);
    expect(bits(tensors.get('decoder/y')!).equals(bits(b))).toBe(true);
    tf.dispose([a, b, ...tensors.values()]);
  });

  it('writes the TensorFlow.js layout numpy reads back: manifest specs, little-endian float32 in order', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(manifest.weightsManifest[0].weights.map((w: { name: string; dtype: string }) => [w.name, w.dtype])).toEqual([
      ['encoder/x', 'float32'],
      ['decoder/y', 'float32'],
    ]);
    const out = runPython(
      `
import numpy as np
raw = np.fromfile(inp['bin'], dtype='<f4')
y = raw[8:].reshape(3, 3, 3, 1, 2)
out = [int(raw.size), float(raw[6]), float(y[1, 2, 0, 0, 1])]
`,
      { bin: join(dir, 'weights.bin') },
      { files: [join(dir, 'weights.bin')] },
    );
    expect(out[0]).toBe(8 + 54);
    expect(out[1]).toBeCloseTo(0.1, 7);
    // y[1,2,0,0,1] is flat index ((1·3 + 2)·3 + 0)·2 + 1 = 31 (row-major)
    expect(out[2]).toBeCloseTo(Math.fround(Math.sin(31) / 7), 7);
  });

  it('refuses a weights.bin that does not belong to model.json, naming the file', async () => {
    const bin = readFileSync(join(dir, 'weights.bin'));
    bin[0] ^= 1;
    writeFileSync(join(dir, 'weights.bin'), bin);
    await expect(readWeights(dir)).rejects.toThrow(/does not belong to this model.json/);
    writeFileSync(join(dir, 'weights.bin'), bin.subarray(4));
    await expect(readWeights(dir)).rejects.toThrow(/weights.bin has 244 bytes, model.json expects 248/);
    await expect(readWeights(join(dir, 'missing'))).rejects.toThrow(/cannot read weights manifest/);
  });
});
