/**
 * An EmbeddingsTable from embeddings held in memory, e.g. a TensorFlow.js tensor: what
 * probe, brainAgeAxis, progressionRates and compareEmbeddings read, without writing and
 * parsing embeddings.csv. The rows are those parseEmbeddingsCsv gives for the same values
 * (covariates as text, a missing one as `n/a` like embeddingsToCsv writes it).
 */
import { inputError } from '../errors.js';
import { type DataRows, type DataValues, rowMajorOf, valuesOf } from '../math/data-input.js';
import { tauProjRates } from './embed.js';
import type { EmbeddingRow, EmbeddingsTable } from './embeddings-csv.js';

/** Who one row of the embeddings is. */
export interface EmbeddedScan {
  subject: string;
  session: string;
  /** years */
  age: number;
  /** e.g. `{ diagnosis: 'AD', sex: 'F' }`; null or undefined is missing */
  covariates?: Record<string, string | number | null | undefined>;
}

export interface EmbeddingsTableOptions {
  /** z·τ/‖τ‖ per row ([N]; LSSL runs), for brainAgeAxis and the progression rates (each subject's rate per year is derived as embeddings.csv's tau_proj_per_year) */
  tauProj?: DataValues;
  /** names the table in error messages (default `embeddings`) */
  name?: string;
}

/**
 * scans: N rows' subject, session, age and covariates; z: [N, D] (a tensor, read and not
 * disposed, or N rows of D numbers); options.tauProj: [N]. Every value must be finite and
 * each subject/session pair occur once.
 */
export function embeddingsTable(
  scans: readonly EmbeddedScan[],
  z: DataRows,
  options: EmbeddingsTableOptions = {},
): EmbeddingsTable {
  const file = options.name ?? 'embeddings';
  const { rows: n, cols: latentDim, data } = rowMajorOf(z, 'z');
  if (n !== scans.length) throw inputError(`z has ${n} rows but there are ${scans.length} scans`, file);
  if (n === 0 || latentDim === 0) throw inputError(`z must be [N, D] with N, D ≥ 1, not [${n}, ${latentDim}]`, file);
  const tau = options.tauProj === undefined ? undefined : valuesOf(options.tauProj, 'tauProj');
  if (tau && tau.length !== n) throw inputError(`tauProj has ${tau.length} values but there are ${n} scans`, file);
  const covariateNames: string[] = [];
  for (const s of scans)
    for (const name of Object.keys(s.covariates ?? {})) if (!covariateNames.includes(name)) covariateNames.push(name);
  const seen = new Set<string>();
  const rows: EmbeddingRow[] = scans.map((scan, i) => {
    const line = i + 2; // as in embeddings.csv, whose header is line 1
    const key = `${scan.subject}\u0000${scan.session}`;
    if (seen.has(key)) throw inputError(`subject '${scan.subject}' session '${scan.session}' occurs twice`, file, line);
    seen.add(key);
    if (!Number.isFinite(scan.age)) throw inputError(`age must be a number, not ${scan.age}`, file, line);
    const values = Float64Array.from({ length: latentDim }, (_, k) => data[i * latentDim + k]);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw inputError(`z${bad} must be a finite number, not ${values[bad]}`, file, line);
    if (tau && !Number.isFinite(tau[i]))
      throw inputError(`tau_proj must be a finite number, not ${tau[i]}`, file, line);
    const covariates: Record<string, string> = {};
    for (const name of covariateNames) {
      const value = scan.covariates?.[name];
      covariates[name] = value === null || value === undefined ? 'n/a' : String(value);
    }
    return {
      subject: scan.subject,
      session: scan.session,
      age: scan.age,
      z: values,
      tauProj: tau?.[i],
      covariates,
      line,
    };
  });
  // each subject's tau_proj per year, as embeddingsToCsv writes it beside tau_proj
  const rates = tauProjRates(
    rows.map((r) => ({ ...r, z: new Float32Array(0), covariates: {} })).filter((r) => r.tauProj !== undefined),
  );
  for (const row of rows) {
    const rate = rates.get(row.subject);
    if (rate !== undefined) row.tauProjPerYear = rate;
  }
  return { file, rows, latentDim, covariateNames, hasTauProj: tau !== undefined };
}
