/**
 * What the learned direction looks like in image space (LSSL, Zhao et al., MedIA 2021,
 * §4.4, fig. 6): for one scan x with z = enc(x), the report shows x, its reconstruction
 * dec(z), and the decoded direction dec(z + α·τ̂) − dec(z), i.e. what moving the latent
 * along the unit ageing direction τ̂ changes in the image. For autoencoder runs without a
 * direction (ae, vae) only the scan and its reconstruction are shown; runs without a
 * decoder (none, the contrastive methods) get no panel.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError } from '../../errors.js';
import { loadCohort, type Cohort } from '../../io/cohort.js';
import { loadPreprocessed } from '../../io/cache.js';
import { Autoencoder, volumesToTensor } from '../../nn/autoencoder.js';
import { openRun, type TrainedRun } from '../../runs.js';
import { displayScale, divergingPng, greyPng, middleSlice, PLANES, pngDataUri, quantile } from './png.js';
import type { SliceFigure } from './report-html.js';
import type { ReportRun } from './run.js';

/** x-fastest voxels of one preprocessed scan. */
export interface DecoderScan {
  volume: Float32Array;
  /** [nx, ny, nz] */
  shape: [number, number, number];
  /** shown above the panel, e.g. "sub-01 ses-2, age 71.3" */
  description: string;
}

export interface DecodedVolumes {
  /** dec(enc(x)), x-fastest like the input */
  reconstruction: Float32Array;
  /** dec(z + α·τ̂) − dec(z); absent without a direction */
  direction?: Float32Array;
  alpha?: number;
}

/** The autoencoder inside a method (lssl, ae, vae hold one as `net`), or null. */
export function decoderOf(run: Pick<TrainedRun, 'method'>): Autoencoder | null {
  const net = (run.method as unknown as { net?: unknown }).net;
  return net instanceof Autoencoder ? net : null;
}

/**
 * Encodes and decodes one scan with the run's weights (inference mode; no tensors left).
 * alpha: step along τ̂ in latent units (the units of tau_proj).
 */
export function decodeScan(
  run: Pick<TrainedRun, 'method' | 'direction'>,
  scan: Pick<DecoderScan, 'volume' | 'shape'>,
  alpha: number,
): DecodedVolumes {
  const net = decoderOf(run);
  if (!net) throw inputError(`method ${run.method.name} has no decoder`);
  return tf.tidy(() => {
    const x = volumesToTensor([scan.volume], scan.shape);
    const z = net.encode(x);
    const base = net.decode(z);
    const reconstruction = base.dataSync() as Float32Array;
    if (!run.direction) return { reconstruction };
    const step = tf.mul(tf.tensor2d(run.direction, [1, run.direction.length]), alpha);
    const moved = net.decode(tf.add(z, step) as tf.Tensor2D);
    return { reconstruction, direction: tf.sub(moved, base).dataSync() as Float32Array, alpha };
  });
}

function sampleSd(values: readonly number[]): number {
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, values.length - 1));
}

/** Default α: two standard deviations of tau_proj over the run's scans (a visible but in-range step). */
export function defaultAlpha(tauProj: readonly number[]): number {
  const sd = tauProj.length > 1 ? sampleSd(tauProj) : 0;
  return sd > 0 ? 2 * sd : 1;
}

/** PNG panels of a decoded scan: rows scan / reconstruction / direction, columns the planes. */
export function sliceFigure(
  run: { label: string; method: string },
  scan: DecoderScan,
  decoded: DecodedVolumes,
  alphaNote = 'two sd of tau_proj',
): SliceFigure {
  const low = quantile(scan.volume, 0.005);
  const high = quantile(scan.volume, 0.995);
  const planes = PLANES.map((plane) => ({
    plane,
    scan: middleSlice(scan.volume, scan.shape, plane),
    recon: middleSlice(decoded.reconstruction, scan.shape, plane),
  }));
  const image = (png: Buffer, plane: string, slice: { width: number; height: number }, scale: number) => ({
    plane,
    dataUri: pngDataUri(png),
    width: slice.width * scale,
    height: slice.height * scale,
  });
  const rows: SliceFigure['rows'] = [
    {
      name: 'scan',
      description: 'input x (preprocessed)',
      images: planes.map((p) => {
        const s = displayScale(p.scan);
        return image(greyPng(p.scan, low, high, s), p.plane, p.scan, s);
      }),
    },
    {
      name: 'reconstruction',
      description: 'dec(enc(x))',
      images: planes.map((p) => {
        const s = displayScale(p.recon);
        return image(greyPng(p.recon, low, high, s), p.plane, p.recon, s);
      }),
    },
  ];
  let note = `Grey window [${low.toFixed(2)}, ${high.toFixed(2)}] (0.5th–99.5th percentile of the scan) for scan and reconstruction.`;
  if (decoded.direction) {
    const absolute = Array.from(decoded.direction, Math.abs);
    const limit = quantile(absolute, 0.995) || Math.max(...absolute) || 1;
    const direction = decoded.direction;
    rows.push({
      name: 'direction',
      description: `dec(z + α·τ̂) − dec(z), α = ${decoded.alpha!.toFixed(3)}`,
      images: PLANES.map((plane) => {
        const slice = middleSlice(direction, scan.shape, plane);
        const s = displayScale(slice);
        return image(divergingPng(slice, limit, s), plane, slice, s);
      }),
    });
    note += ` Direction row: dec(z + α·τ̂) − dec(z) with α = ${decoded.alpha!.toFixed(3)} (${alphaNote}), blue negative, red positive, ±${limit.toPrecision(3)} at the ends (99.5th percentile of |difference|): what moving along the learned ageing direction changes in the image.`;
  }
  return { run: run.label, method: run.method, scan: scan.description, rows, note };
}

/** Opens the run, decodes `scan`, builds the panel; null for a run without a decoder. */
export async function decoderSlices(
  run: Pick<ReportRun, 'dir' | 'label' | 'method' | 'embeddings'>,
  scan: DecoderScan,
  alpha?: number,
): Promise<SliceFigure | null> {
  const trained = await openRun(run.dir);
  try {
    if (!decoderOf(trained) || trained.config.method === 'none') return null;
    const [d, h, w] = trained.method.inputShape;
    const [nx, ny, nz] = scan.shape;
    if (d !== nz || h !== ny || w !== nx)
      throw inputError(
        `run ${run.label} takes volumes of [${w}, ${h}, ${d}] (x, y, z), the scan is [${scan.shape.join(', ')}]`,
      );
    const tau = run.embeddings.rows.flatMap((r) => (r.tauProj === undefined ? [] : [r.tauProj]));
    const decoded = decodeScan(trained, scan, alpha ?? defaultAlpha(tau));
    return sliceFigure(run, scan, decoded, alpha === undefined ? 'two sd of tau_proj' : 'given');
  } finally {
    trained.dispose();
  }
}

export interface CohortSlicesOptions {
  /** the cohort the runs were trained on (BIDS folder or manifest) */
  source: string;
  /** preprocessed cache (default: io/cache's default) */
  cacheDir?: string;
  /** which scan: subject and session; default the first row of each run's embeddings */
  subject?: string;
  session?: string;
  alpha?: number;
}

/**
 * A `slices` callback for writeReport: finds the scan in the cohort, preprocesses it (or
 * reads it from the cache) at the run's volume shape, and decodes it with each run.
 */
export function cohortSlices(options: CohortSlicesOptions): (run: ReportRun) => Promise<SliceFigure | null> {
  let cohort: Promise<Cohort> | undefined;
  return async (run) => {
    if (!['lssl', 'ae', 'vae'].includes(run.method)) return null;
    cohort ??= loadCohort(options.source);
    const first = run.embeddings.rows[0];
    const subject = options.subject ?? first.subject;
    const session = options.session ?? (options.subject === undefined ? first.session : undefined);
    const scans = (await cohort).subjects.find((s) => s.id === subject)?.scans ?? [];
    const scan = session === undefined ? scans[0] : scans.find((s) => s.session === session);
    if (!scan)
      throw inputError(
        `the cohort has no scan of subject '${subject}'${session === undefined ? '' : ` session '${session}'`}`,
        options.source,
      );
    const shape = run.config.cohort.volumeShape;
    const volume = await loadPreprocessed(scan, { cacheDir: options.cacheDir, shape });
    if (volume.shape.join(',') !== shape.join(','))
      throw inputError(`preprocessed scan has shape [${volume.shape}], the run [${shape}]`, scan.path);
    return decoderSlices(
      run,
      { volume: volume.data, shape, description: `${scan.subject} ${scan.session}, age ${scan.age}` },
      options.alpha,
    );
  };
}
