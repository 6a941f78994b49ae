/**
 * Embeddings of every scan of a cohort by a trained run (`lssl embed`): the encoder's z
 * for each scan and, for LSSL runs, tau_proj = z·τ/‖τ‖, written as embeddings.csv
 * (docs/design.md; read back by eval/embeddings-csv.ts). Works on any cohort, including one
 * the model never saw; volumes come from the preprocessed cache at the run's shape.
 */
import { join } from 'node:path';
import Papa from 'papaparse';
import { loadPreprocessed, type CacheOptions } from '../io/cache.js';
import type { Cohort, CovariateValue, Scan } from '../io/cohort.js';
import { settingsForRun } from '../io/preprocess-record.js';
import { registrationForRun } from '../io/registration-record.js';
import { olsSlope } from './compare/progression.js';
import type { TrainedRun } from '../runs.js';
import { positiveInteger } from '../checks.js';

export interface EmbeddingRecord {
  subject: string;
  session: string;
  age: number;
  covariates: Record<string, CovariateValue>;
  z: Float32Array;
  /** z·τ/‖τ‖ for runs that learn τ */
  tauProj?: number;
}

export interface EmbedOptions {
  cacheDir?: string;
  /** the cache's dtype; its preprocessing may only repeat the run's (settingsForRun) */
  cache?: Omit<CacheOptions, 'shape' | 'cacheDir'>;
  /** scans per forward pass (default 8) */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Embeds every scan of `cohort`, in cohort order (subjects by id, visits by age). */
export async function embedCohort(
  run: TrainedRun,
  cohort: Cohort,
  options: EmbedOptions = {},
): Promise<EmbeddingRecord[]> {
  const shape = run.config.cohort.volumeShape;
  const preprocess = settingsForRun(
    run.config.cohort.preprocessing,
    options.cache?.preprocess,
    join(run.dir, 'config.json'),
  );
  const register = registrationForRun(
    run.config.cohort.registration,
    options.cache?.register,
    cohort,
    join(run.dir, 'config.json'),
  );
  const batchSize = positiveInteger('batchSize', options.batchSize ?? 8);
  const scans: Scan[] = cohort.subjects.flatMap((s) => s.scans);
  const records: EmbeddingRecord[] = [];
  for (let i = 0; i < scans.length; i += batchSize) {
    const chunk = scans.slice(i, i + batchSize);
    const volumes = await Promise.all(
      chunk.map((scan) =>
        loadPreprocessed(scan, {
          ...options.cache,
          preprocess,
          register,
          cacheDir: options.cacheDir,
          shape: [...shape],
        }),
      ),
    );
    const z = run.embedVolumes(
      volumes.map((v) => v.data),
      shape,
      batchSize,
    );
    chunk.forEach((scan, b) => {
      const tauProj = run.direction ? z[b].reduce((s, v, k) => s + v * run.direction![k], 0) : undefined;
      records.push({
        subject: scan.subject,
        session: scan.session,
        age: scan.age,
        covariates: scan.covariates,
        z: z[b],
        tauProj,
      });
    });
    options.onProgress?.(Math.min(i + batchSize, scans.length), scans.length);
  }
  return records;
}

/**
 * tau_proj's rate of each subject, per year: the OLS slope over its visits (Δtau_proj/Δage for
 * two), undefined for a subject with one visit or one age. Group means with bootstrap CIs
 * are in the report's progression.csv (eval/compare/progression.ts).
 */
export function tauProjRates(records: readonly EmbeddingRecord[]): Map<string, number> {
  const visits = new Map<string, { age: number; tauProj: number }[]>();
  for (const r of records) {
    if (r.tauProj === undefined) continue;
    visits.set(r.subject, [...(visits.get(r.subject) ?? []), { age: r.age, tauProj: r.tauProj }]);
  }
  const rates = new Map<string, number>();
  for (const [subject, list] of visits) {
    const rate = olsSlope(
      list.map((v) => v.age),
      list.map((v) => v.tauProj),
    );
    if (list.length >= 2 && Number.isFinite(rate)) rates.set(subject, rate);
  }
  return rates;
}

/**
 * embeddings.csv text: subject, session, age, covariates (first-seen order), z0..z{d-1}, and
 * for runs that learn τ: tau_proj and tau_proj_per_year (the subject's rate, on each of its rows; n/a for one visit).
 */
export function embeddingsToCsv(records: readonly EmbeddingRecord[]): string {
  const covariates: string[] = [];
  for (const r of records)
    for (const key of Object.keys(r.covariates)) if (!covariates.includes(key)) covariates.push(key);
  const dim = records[0]?.z.length ?? 0;
  const hasTau = records.some((r) => r.tauProj !== undefined);
  const fields = [
    'subject',
    'session',
    'age',
    ...covariates,
    ...Array.from({ length: dim }, (_, k) => `z${k}`),
    ...(hasTau ? ['tau_proj', 'tau_proj_per_year'] : []),
  ];
  const rates = tauProjRates(records);
  const data = records.map((r) => [
    r.subject,
    r.session,
    r.age,
    ...covariates.map((c) => r.covariates[c] ?? 'n/a'),
    ...Array.from(r.z),
    ...(hasTau ? [r.tauProj, rates.get(r.subject) ?? 'n/a'] : []),
  ]);
  return `${Papa.unparse({ fields, data }, { newline: '\n' })}\n`;
}
