/**
 * Backend selection: the fastest TensorFlow.js backend that loads here.
 *
 * tfjs-node-gpu and tfjs-node are optional dependencies (their install downloads
 * libtensorflow and fails on machines without network or CUDA), so they are imported
 * lazily and a failed import just moves on to the next candidate.
 */
import * as tf from '@tensorflow/tfjs';
import { inputError, runtimeError } from '../errors.js';
import { registerFastKernels } from './kernels/index.js';
import { quietCpuBanner } from './quiet.js';
import { BACKENDS, type BackendChoice, type BackendName } from './names.js';

// importing the library (which imports this module) prints nothing: see quiet.ts
quietCpuBanner();

export { BACKENDS, type BackendName, type BackendChoice } from './names.js';

export interface BackendInfo {
  /** the lssl name of the backend that runs */
  name: BackendName;
  /** TensorFlow.js' own name for it (`tensorflow`, `wasm`, `cpu`) */
  tfName: string;
  tfjsVersion: string;
  /** why earlier candidates were skipped, for `--debug` and `lssl info` */
  skipped: { name: BackendName; reason: string }[];
}

let active: BackendInfo | undefined;

function parseChoice(value: string | undefined): BackendChoice {
  const choice = (value ?? 'auto').trim() || 'auto';
  if (choice === 'auto' || (BACKENDS as readonly string[]).includes(choice)) return choice as BackendChoice;
  throw inputError(`backend must be one of auto, ${BACKENDS.join(', ')}, not ${JSON.stringify(value)}`);
}

async function tryBackend(name: BackendName): Promise<string> {
  switch (name) {
    case 'tfjs-node-gpu':
      await import('@tensorflow/tfjs-node-gpu' as string);
      return 'tensorflow';
    case 'tfjs-node':
      await import('@tensorflow/tfjs-node' as string);
      return 'tensorflow';
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      // Not optional here: stock tfjs-backend-wasm 4.22 computes Conv3D input gradients and
      // MaxPool3D wrongly, so wasm runs only with lssl's kernels (src/backend/kernels).
      if (!(await registerFastKernels('wasm')))
        throw new Error("lssl's SIMD conv kernels are not built (run npm run build)");
      return 'wasm';
    }
    case 'cpu':
      // Stock cpu kernels are right but single-threaded loops; ours are used when built.
      await registerFastKernels('cpu');
      return 'cpu';
  }
}

/**
 * Picks and initialises the backend: the one named (or `LSSL_BACKEND`), else the first
 * of tfjs-node-gpu → tfjs-node → wasm → cpu that loads. Idempotent: later calls with the
 * same choice return the active backend.
 */
export async function initBackend(choice: string | undefined = process.env.LSSL_BACKEND): Promise<BackendInfo> {
  const wanted = parseChoice(choice);
  if (active && (wanted === 'auto' || wanted === active.name)) return active;
  // Silence tfjs' "install tfjs-node" banner and debug checks; errors still surface.
  tf.enableProdMode();
  const candidates: readonly BackendName[] = wanted === 'auto' ? BACKENDS : [wanted];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of candidates) {
    try {
      const tfName = await tryBackend(name);
      if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') returned false`);
      await tf.ready();
      active = { name, tfName, tfjsVersion: tf.version.tfjs, skipped };
      return active;
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw runtimeError(`no TensorFlow.js backend could start (${reasons})`);
}

/** The backend chosen by the last initBackend call, if any. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}
