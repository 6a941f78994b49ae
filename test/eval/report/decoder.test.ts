import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { initBackend } from '../../../src/backend/select.js';
import { parseEmbeddingsCsv } from '../../../src/eval/embeddings-csv.js';
import { divergingColour, greyLevel, middleSlice, quantile } from '../../../src/eval/report/png.js';
import { decoderSlices, defaultAlpha, type DecoderScan } from '../../../src/eval/report/decoder.js';
import { writeReport } from '../../../src/eval/report/report.js';
import { AeMethod } from '../../../src/lssl/ae.js';
import { LsslMethod } from '../../../src/lssl/lssl.js';
import { NoneMethod } from '../../../src/lssl/none.js';
import type { Method } from '../../../src/train/method.js';
import { writeBestModel, writeRunConfig } from '../../../src/train/run.js';
import { makeFakeRun } from './fixtures.js';

const { PNG } = pngjs;
const root = mkdtempSync(join(tmpdir(), 'lssl-report-decoder-'));
// Non-cubic on purpose: [nx, ny, nz] = [32, 16, 16] is the network's [D, H, W] = [16, 16, 32].
const SHAPE: [number, number, number] = [32, 16, 16];
const NETWORK = {
  inputShape: [16, 16, 32] as [number, number, number],
  channels: [2, 2, 2, 2] as [number, number, number, number],
  latentSize: 6,
};

function blobScan(): DecoderScan {
  const [nx, ny, nz] = SHAPE;
  const volume = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        volume[i + nx * (j + ny * k)] =
          Math.exp(-((i - 12) ** 2 / 40 + (j - 8) ** 2 / 10 + (k - 7) ** 2 / 12)) + 0.01 * i;
  return { volume, shape: SHAPE, description: 'blob' };
}

/** Writes method's weights as a run whose config recreates it with network seed 0. */
async function saveRun(name: string, method: Method): Promise<string> {
  const dir = makeFakeRun(join(root, name), {
    method: method.name,
    tau: method.name === 'lssl',
    embeddings: { subjects: 6, visits: 2, dim: 6, seed: 1 },
  });
  const options = method.options() as { network: Record<string, unknown> };
  await writeBestModel(dir, method, {});
  await writeRunConfig(dir, {
    format: 'lssl-run',
    formatVersion: 1,
    method: method.name,
    methodOptions: { ...options, network: { ...options.network, seed: 0 } },
    training: {},
    cohort: {
      fingerprint: 'test',
      volumeShape: SHAPE,
      train: { subjects: 6, scans: 12, pairs: 6 },
      validation: { subjects: 0, scans: 0, pairs: 0 },
    },
    versions: { lssl: 'test', tfjs: tf.version_core, node: process.version },
    backend: tf.getBackend(),
    created: '2026-01-01T00:00:00.000Z',
  });
  return dir;
}

const reportRun = (dir: string, label: string, method: string) => ({
  dir,
  label,
  method,
  embeddings: parseEmbeddingsCsv('subject,session,age,z0,tau_proj\na,1,60,0,1\na,2,61,0,2\nb,1,70,0,4\n', 'e.csv'),
});

let lssl: LsslMethod;
let lsslDir: string;

beforeAll(async () => {
  await initBackend('cpu');
  // Seed 7 here, seed 0 in config.json: the panel must come from the saved weights, not a fresh init.
  lssl = new LsslMethod({ network: { ...NETWORK, seed: 7 } });
  lsslDir = await saveRun('lssl', lssl);
});
afterAll(() => {
  lssl.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('decoderSlices', () => {
  test('reconstruction and decoded direction dec(z + α·τ̂) − dec(z) from the saved weights, no tensors left', async () => {
    const scan = blobScan();
    const alpha = 0.8;
    const before = tf.memory().numTensors;
    const figure = await decoderSlices(reportRun(lsslDir, 'lssl', 'lssl'), scan, alpha);
    expect(tf.memory().numTensors).toBe(before);
    expect(figure!.rows.map((r) => r.name)).toEqual(['scan', 'reconstruction', 'direction']);
    expect(figure!.rows.map((r) => r.images.map((i) => i.plane))).toEqual(
      Array(3).fill(['axial', 'coronal', 'sagittal']),
    );

    // The expected volumes, computed with the method object that was saved.
    const [recon, direction] = tf.tidy(() => {
      const x = tf.tensor5d(scan.volume, [1, 16, 16, 32, 1]);
      const z = lssl.net.encode(x);
      const tau = Float32Array.from(lssl.tau.dataSync());
      const norm = Math.hypot(...tau);
      const moved = tf.add(
        z,
        tf.mul(
          tf.tensor2d(
            tau.map((t) => t / norm),
            [1, 6],
          ),
          alpha,
        ),
      ) as tf.Tensor2D;
      const base = lssl.net.decode(z);
      return [base.dataSync() as Float32Array, tf.sub(lssl.net.decode(moved), base).dataSync() as Float32Array];
    });
    const low = quantile(scan.volume, 0.005);
    const high = quantile(scan.volume, 0.995);
    const axial = figure!.rows[1].images[0];
    const decoded = PNG.sync.read(Buffer.from(axial.dataUri.split(',')[1], 'base64'));
    const slice = middleSlice(recon, SHAPE, 'axial');
    const scale = decoded.width / slice.width;
    expect([decoded.width, decoded.height]).toEqual([32 * scale, 16 * scale]);
    expect([axial.width, axial.height]).toEqual([decoded.width, decoded.height]);
    for (let p = 0; p < slice.data.length; p += 37) {
      const row = Math.floor(p / slice.width);
      const col = p % slice.width;
      expect(decoded.data[(row * scale * decoded.width + col * scale) * 4]).toBe(greyLevel(slice.data[p], low, high));
    }
    // The direction row: white where the decoded difference is 0, and not all white.
    const sagittal = PNG.sync.read(Buffer.from(figure!.rows[2].images[2].dataUri.split(',')[1], 'base64'));
    const diffSlice = middleSlice(direction, SHAPE, 'sagittal');
    expect(diffSlice.data.some((v) => v !== 0)).toBe(true);
    const pixels = new Set<string>();
    for (let i = 0; i < sagittal.data.length; i += 4)
      pixels.add(`${sagittal.data[i]},${sagittal.data[i + 1]},${sagittal.data[i + 2]}`);
    expect(pixels.size).toBeGreaterThan(3);
    const limit = quantile(Array.from(direction, Math.abs), 0.995);
    const sScale = sagittal.width / diffSlice.width;
    for (let p = 0; p < diffSlice.data.length; p += 11) {
      const at = (Math.floor(p / diffSlice.width) * sScale * sagittal.width + (p % diffSlice.width) * sScale) * 4;
      expect(Array.from(sagittal.data.subarray(at, at + 3))).toEqual(divergingColour(diffSlice.data[p], limit));
    }
    expect(figure!.note).toContain('α = 0.800');
  });

  test('ae: scan and reconstruction only; none: no panel', async () => {
    const ae = new AeMethod({ network: { ...NETWORK, seed: 3 } });
    const none = new NoneMethod({ network: { ...NETWORK, seed: 3 } });
    try {
      const aeFigure = await decoderSlices(reportRun(await saveRun('ae', ae), 'ae', 'ae'), blobScan());
      expect(aeFigure!.rows.map((r) => r.name)).toEqual(['scan', 'reconstruction']);
      expect(await decoderSlices(reportRun(await saveRun('none', none), 'none', 'none'), blobScan())).toBeNull();
    } finally {
      ae.dispose();
      none.dispose();
    }
  });

  test('a scan of another shape is refused, naming both', async () => {
    const scan = {
      volume: new Float32Array(16 ** 3),
      shape: [16, 16, 16] as [number, number, number],
      description: 'x',
    };
    await expect(decoderSlices(reportRun(lsslDir, 'lssl', 'lssl'), scan)).rejects.toThrow(
      'run lssl takes volumes of [32, 16, 16] (x, y, z), the scan is [16, 16, 16]',
    );
  });

  test('default α is two sample sd of tau_proj', () => {
    expect(defaultAlpha([1, 2, 3])).toBeCloseTo(2, 12);
    expect(defaultAlpha([5])).toBe(1);
  });

  test('wired into writeReport: the page gets the panel as data: URIs', async () => {
    const result = await writeReport([lsslDir], {
      out: join(root, 'out'),
      targets: ['age'],
      features: ['z'],
      folds: 3,
      slices: (run) => decoderSlices(run, blobScan(), 0.5),
    });
    expect(result.slices).toEqual(['lssl']);
    expect(result.html).toContain('id="image-space"');
    expect((result.html.match(/<img src="data:image\/png;base64,/g) ?? []).length).toBe(9);
  });
});
