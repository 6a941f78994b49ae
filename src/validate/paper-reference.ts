/**
 * The independent reference of `lssl validate phantom --reference`: bench/reference/lssl_paper.py,
 * LSSL and its baselines written in PyTorch from the paper (Zhao et al., MedIA 2021), not from
 * lssl's code — its own NIfTI reading and preprocessing (nibabel, scipy, whole-volume z-score),
 * its own network (flattened conv features as the latent) and Adam. It trains on the same
 * training and validation subjects as lssl and writes the embeddings of the held-out cohort as
 * an embeddings.csv, which the validation scores with the same code as lssl's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEmbeddingsCsv, type EmbeddingsTable } from '../eval/embeddings-csv.js';
import { runPythonScript } from '../python.js';

export type ReferenceMethod = 'lssl' | 'ae' | 'vae';

export interface PaperReferenceRequest {
  method: ReferenceMethod;
  /** BIDS folder of the training cohort, and the subjects of it to train on and to validate on */
  trainDir: string;
  trainSubjects: readonly string[];
  validationSubjects: readonly string[];
  /** BIDS folder of the held-out cohort, every scan of which is embedded */
  testDir: string;
  /** the embeddings CSV to write */
  out: string;
  shape: number;
  epochs: number;
  batch: number;
  learningRate: number;
  seed: number;
}

export interface PaperReferenceResult {
  table: EmbeddingsTable;
  secondsPerEpoch: number;
  torch: string;
  threads: number;
}

/** Trains and embeds with the paper reference (one PyTorch thread); needs /usr/bin/python3 with torch. */
export function runPaperReference(request: PaperReferenceRequest): PaperReferenceResult {
  const stdout = runPythonScript(join('reference', 'lssl_paper.py'), [
    ...['--cohort', request.trainDir, '--embed', request.testDir, '--out', request.out],
    ...['--train-subjects', request.trainSubjects.join(',')],
    ...(request.validationSubjects.length > 0 ? ['--val-subjects', request.validationSubjects.join(',')] : []),
    ...['--method', request.method, '--shape', String(request.shape), '--epochs', String(request.epochs)],
    ...['--batch', String(request.batch), '--lr', String(request.learningRate), '--seed', String(request.seed)],
    ...['--threads', '1'],
  ]);
  const summary = JSON.parse(stdout) as { torch: string; threads: number; seconds_per_epoch: number };
  return {
    table: parseEmbeddingsCsv(readFileSync(request.out, 'utf8'), request.out),
    secondsPerEpoch: summary.seconds_per_epoch,
    torch: summary.torch,
    threads: summary.threads,
  };
}
