/**
 * Worker thread of `preprocessCohort({ jobs > 1 })`: builds cache entries one message at a
 * time with the standard NIfTI chain. Runs from dist/ (the compiled CLI); the main thread
 * sends `{ id, path }` and gets `{ id, status, key, reason?, seconds }` or `{ id, error }`.
 */
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { LsslError } from '../errors.js';
import { ensureEntry, niftiPreprocessor } from './cache-pipeline.js';
import type { WorkerSetup, WorkerTask, WorkerReply } from './cache-pool.js';
import { registeredPreprocessorFor } from './cache-register.js';

const setup = workerData as WorkerSetup;
const pipeline = niftiPreprocessor(setup.preprocess);

parentPort!.on('message', async (task: WorkerTask) => {
  const started = performance.now();
  let reply: WorkerReply;
  try {
    const register = setup.register;
    const chain = register
      ? registeredPreprocessorFor(
          setup.cacheDir,
          setup.preprocess,
          { ...register, references: { [resolve(task.path)]: task.reference! } },
          task.path,
        )
      : pipeline;
    const result = await ensureEntry(task.path, chain, {
      cacheDir: setup.cacheDir,
      dtype: setup.dtype,
      volume: task.volume,
    });
    reply = {
      id: task.id,
      status: result.status,
      key: result.key,
      reason: result.reason,
      warnings: result.warnings,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    const message =
      error instanceof LsslError ? error.describe() : error instanceof Error ? error.message : String(error);
    reply = {
      id: task.id,
      error: message,
      inputError: error instanceof LsslError && error.exitCode === 2,
      seconds: (performance.now() - started) / 1000,
    };
  }
  parentPort!.postMessage(reply);
});
