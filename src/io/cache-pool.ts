/**
 * A fixed pool of worker threads for `preprocessCohort({ jobs })`: each worker holds one
 * task at a time, so at most `jobs` source files and volumes are in memory whatever the
 * cohort's size. The worker script is the compiled `cache-worker.js` beside this file.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runtimeError } from '../errors.js';
import type { CacheDtype } from './cache-store.js';
import type { PreprocessOptions } from './transforms.js';
import type { RegistrationPlan } from './cache-register.js';

export interface WorkerSetup {
  cacheDir: string;
  dtype: CacheDtype;
  preprocess: PreprocessOptions;
  /** registration target and settings; each task then names its reference */
  register?: Omit<RegistrationPlan, 'references'>;
}
export interface WorkerTask {
  id: number;
  path: string;
  /** the chosen volume of a 4D source */
  volume?: number;
  /** the image this scan is registered onto (with setup.register) */
  reference?: string;
}
export type WorkerReply =
  | {
      id: number;
      status: 'cached' | 'built' | 'rebuilt';
      key: string;
      reason?: string;
      warnings?: string[];
      seconds: number;
      error?: undefined;
    }
  | { id: number; error: string; inputError: boolean; seconds: number; status?: undefined };

export function workerScript(): string {
  const path = fileURLToPath(new URL('./cache-worker.js', import.meta.url));
  if (!existsSync(path)) {
    throw runtimeError(
      `jobs > 1 runs worker threads from the compiled package, and ${path} is missing: run npm run build`,
    );
  }
  return path;
}

/** Runs every task on `jobs` workers; `onReply` sees each reply as it arrives. */
export async function runPool(
  tasks: WorkerTask[],
  jobs: number,
  setup: WorkerSetup,
  onReply: (reply: WorkerReply) => void,
): Promise<void> {
  const script = workerScript();
  const workers = Array.from({ length: Math.min(jobs, tasks.length) }, () => new Worker(script, { workerData: setup }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let busy = false;
            const feed = () => {
              if (next >= tasks.length) {
                busy = false;
                resolve();
                return;
              }
              busy = true;
              worker.postMessage(tasks[next++]);
            };
            worker.on('message', (reply: WorkerReply) => {
              try {
                onReply(reply);
              } catch (error) {
                reject(error);
                return;
              }
              feed();
            });
            worker.on('error', (error) =>
              reject(runtimeError(`a preprocessing worker failed: ${error.message}`, undefined, error)),
            );
            worker.on('exit', (code) => {
              if (busy)
                reject(runtimeError(`a preprocessing worker stopped (exit code ${code}) in the middle of a scan`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
