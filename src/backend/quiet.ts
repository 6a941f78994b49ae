/**
 * Importing lssl prints nothing. TensorFlow.js's cpu backend prints "Hi, looks like you are
 * running TensorFlow.js in Node.js … install our node backend" on its first tensor in Node;
 * lssl chooses the backend itself (initBackend: tfjs-node where installed, else its wasm
 * kernels), so to a library user that advice is noise.
 *
 * Only that banner is marked as shown, on every cpu backend TensorFlow.js creates.
 * tf.enableProdMode() would also silence it, but it is process-global and hides every other
 * TensorFlow.js warning of the user's own code, so it stays where it was: in initBackend,
 * which lssl's own runs (the CLI) call.
 */
import * as tf from '@tensorflow/tfjs';

/** How tfjs-backend-cpu (4.x) remembers whether it has printed its banner. */
interface BannerState {
  firstUse?: boolean;
}

function markShown(backend: unknown): void {
  const state = backend as BannerState | null | undefined;
  if (state && typeof state.firstUse === 'boolean') state.firstUse = false;
}

/** Marks the "install tfjs-node" banner of the cpu backend as already printed; nothing else changes. */
export function quietCpuBanner(): void {
  // the engine builds a fresh cpu backend from its registered factory whenever it
  // initialises one, so the factory is wrapped; an instance made before lssl loaded is marked too
  const engine = tf.engine() as unknown as {
    registry: Record<string, unknown>;
    registryFactory: Record<string, { factory: () => unknown; quiet?: boolean }>;
  };
  markShown(engine.registry?.cpu);
  const entry = engine.registryFactory?.cpu;
  if (!entry || entry.quiet) return;
  const factory = entry.factory;
  entry.factory = () => {
    const backend = factory();
    markShown(backend);
    return backend;
  };
  entry.quiet = true;
}
