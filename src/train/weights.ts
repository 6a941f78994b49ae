/**
 * Weights in the TensorFlow.js format: `model.json` (a weights manifest) + `weights.bin`
 * (the raw little-endian float32 values), produced and read by tfjs-core's own
 * `tf.io.encodeWeights` / `tf.io.decodeWeights`, so no native package is needed and the
 * round trip is bit-exact. model.json also records the byte length and an FNV-1a hash of
 * weights.bin, so a mismatched pair (e.g. a crash between the two renames) is refused.
 */
import * as tf from '@tensorflow/tfjs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { inputError } from '../errors.js';
import { writeFilesAtomic } from '../io/atomic.js';

export const WEIGHTS_FORMAT = 'lssl-weights';

export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** FNV-1a over bytes: cheap and enough to catch a weights.bin that is not model.json's. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/**
 * Writes `dir/model.json` + `dir/weights.bin` (and `extraFiles` that belong with them, e.g.
 * tau.json) as one set: all staged, then renamed, so a failed write keeps the old set.
 */
export async function writeWeights(
  dir: string,
  tensors: NamedTensor[],
  metadata: Record<string, unknown> = {},
  extraFiles: readonly { name: string; data: string }[] = [],
): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors.map((t) => ({ name: t.name, tensor: t.tensor })));
  const bytes = new Uint8Array(data);
  const manifest = {
    format: WEIGHTS_FORMAT,
    generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: null,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: { ...metadata, weightsBytes: bytes.length, weightsFnv1a: fnv1a(bytes) },
  };
  await fs.mkdir(dir, { recursive: true });
  await writeFilesAtomic([
    { path: join(dir, 'weights.bin'), data: bytes },
    { path: join(dir, 'model.json'), data: `${JSON.stringify(manifest, null, 1)}\n` },
    ...extraFiles.map((f) => ({ path: join(dir, f.name), data: f.data })),
  ]);
}

export interface LoadedWeights {
  tensors: Map<string, tf.Tensor>;
  metadata: Record<string, unknown>;
}

/** Reads what writeWeights wrote; the caller disposes the tensors. */
export async function readWeights(dir: string): Promise<LoadedWeights> {
  const modelPath = join(dir, 'model.json');
  let manifest: {
    weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    userDefinedMetadata?: Record<string, unknown>;
  };
  try {
    manifest = JSON.parse(await fs.readFile(modelPath, 'utf8'));
  } catch (error) {
    throw inputError(`cannot read weights manifest: ${(error as Error).message.split('\n')[0]}`, modelPath);
  }
  const groups = manifest.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) throw inputError('model.json has no weightsManifest', modelPath);
  const specs = groups.flatMap((g) => g.weights);
  const readPart = (name: string) =>
    fs.readFile(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? 'missing' : `unreadable (${error.code ?? error.message})`;
      throw inputError(`the weights file model.json names is ${why}`, join(dir, name));
    });
  const buffers = await Promise.all(groups.flatMap((g) => g.paths.map(readPart)));
  const bytes = new Uint8Array(Buffer.concat(buffers));
  const metadata = manifest.userDefinedMetadata ?? {};
  if (metadata.weightsBytes !== undefined && metadata.weightsBytes !== bytes.length) {
    throw inputError(
      `weights.bin has ${bytes.length} bytes, model.json expects ${metadata.weightsBytes}`,
      join(dir, 'weights.bin'),
    );
  }
  if (metadata.weightsFnv1a !== undefined && metadata.weightsFnv1a !== fnv1a(bytes)) {
    throw inputError('weights.bin does not belong to this model.json (hash differs)', join(dir, 'weights.bin'));
  }
  const decoded = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
  return { tensors: new Map(Object.entries(decoded)), metadata };
}
